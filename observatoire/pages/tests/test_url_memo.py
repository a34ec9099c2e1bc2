"""lib/urls.py and the {% url %} tag built on it answer exactly as Django's reverse() would."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, set_script_prefix
from django.urls import reverse as django_reverse

from observatoire.lib import urls
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_memo():
    urls.clear()
    yield
    urls.clear()
    set_script_prefix("/")


def test_the_memo_answers_as_django_and_keeps_the_address():
    for name, kwargs in [
        ("pages:home", None),
        ("practices:detail", {"slug": "une-pratique"}),
        ("practices:attachment", {"slug": "une-pratique", "pk": 7}),
    ]:
        assert urls.reverse(name, kwargs=kwargs) == django_reverse(name, kwargs=kwargs)
    assert urls.reverse("practices:detail", args=["une-pratique"]) == "/pratiques/une-pratique/"
    assert urls._reverse.cache_info().currsize == 4
    urls.reverse("practices:detail", args=["une-pratique"])
    assert urls._reverse.cache_info().hits == 1


def test_the_script_prefix_is_part_of_the_key():
    assert urls.reverse("pages:home") == "/"
    set_script_prefix("/observatoire/")
    assert urls.reverse("pages:home") == "/observatoire/"
    set_script_prefix("/")
    assert urls.reverse("pages:home") == "/"


def test_other_arguments_go_to_django_and_errors_stay_errors():
    practice = make_practice()

    class Slug:  # an object as an argument: not kept, answered by Django
        def __str__(self):
            return practice.slug

    assert urls.reverse("practices:detail", args=[practice.slug]) == practice.get_absolute_url()
    kept = urls._reverse.cache_info().currsize
    assert urls.reverse("practices:detail", args=[Slug()]) == practice.get_absolute_url()
    assert urls._reverse.cache_info().currsize == kept
    with pytest.raises(NoReverseMatch):
        urls.reverse("practices:detail", args=["un slug/avec", "deux"])
    with pytest.raises(NoReverseMatch):
        urls.reverse("cette-route-n-existe-pas")


def test_a_new_urlconf_empties_the_memo():
    urls.reverse("pages:home")
    with override_settings(ROOT_URLCONF="observatoire.urls"):
        assert urls._reverse.cache_info().currsize == 0


def test_the_url_tag_renders_as_djangos():
    practice = make_practice()
    request = RequestFactory().get("/")
    template = Template(
        "{% url 'practices:detail' practice.slug %}|{% url 'pages:home' %}|"
        "{% url 'practices:detail' slug=practice.slug as there %}{{ there }}|"
        "{% url 'nulle-part' as nowhere %}[{{ nowhere }}]|{% url 'pages:about' %}"
    )
    html = template.render(Context({"practice": practice, "request": request}))
    address = practice.get_absolute_url()
    assert html == f"{address}|/|{address}|[]|{django_reverse('pages:about')}"
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nulle-part' %}").render(Context({}))
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")
