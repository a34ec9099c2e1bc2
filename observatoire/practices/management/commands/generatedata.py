"""Generate scale data for the benchmark: cooperatives, people and practices.

The same seed gives the same rows (titles, texts, SIRENs, links), so that two benchmark runs
measure the same database. Rows are written with bulk_create, which bypasses Practice.save() and
Practice.reindex(): the normalised copies (sort_title, published_year, search_title,
search_head, search_body) and the search vocabulary (Word) are therefore computed here with the
same functions. The SQLite FTS5 index follows by its insert trigger; PostgreSQL's vectors by
theirs.

Generated rows are recognisable, so that --clear removes them and nothing else: practice and
cooperative slugs end in « -g<number> », people's addresses end in « @donnees-generees.test ».
"""

import collections
import functools
import itertools
import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from observatoire.accounts.models import Role, User
from observatoire.lib.cache import forget_listings
from observatoire.lib.identifiers import siren_with_checksum, siret_with_checksum
from observatoire.lib.text import fold, index_text, stem, words
from observatoire.network import directory_index, geocoding, naf
from observatoire.network.models import (
    Cooperative,
    Departement,
    LocationPrecision,
    Organisation,
    Sector,
)
from observatoire.practices import facet_rows, page_body, related
from observatoire.practices.indexing import BODY_FIELDS, body_pieces, head_pieces, joined
from observatoire.practices.models import Category, Practice, Theme
from observatoire.search.models import Word
from observatoire.search.vocabulary import MAX_WORD_LENGTH, MIN_WORD_LENGTH

GENERATED_SLUG = r"-g[0-9]+$"
EMAIL_DOMAIN = "donnees-generees.test"
PASSWORD = "observatoire-genere"
# A fixed "now": dates depend on the seed only, not on the day the command runs.
ANCHOR = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
YEARS_OF_PUBLICATION = 6

# ---- Vocabulary of the network -------------------------------------------------------------
# Main towns per département (the first is the préfecture); big départements weigh more.
TOWNS = dict(
    item.split(":")
    for item in """01:Bourg-en-Bresse|Oyonnax;02:Laon|Saint-Quentin;
03:Moulins|Montluçon;04:Digne-les-Bains|Manosque;05:Gap|Briançon;06:Nice|Cannes|Antibes;07:Privas|
Annonay;08:Charleville-Mézières;09:Foix|Pamiers;10:Troyes;11:Carcassonne|Narbonne;12:Rodez|Millau;
13:Marseille|Aix-en-Provence|Arles;14:Caen|Lisieux;15:Aurillac;16:Angoulême|Cognac;17:La Rochelle|
Rochefort;18:Bourges;19:Tulle|Brive-la-Gaillarde;2A:Ajaccio;2B:Bastia|Corte;21:Dijon|Beaune;22:
Saint-Brieuc|Lannion;23:Guéret;24:Périgueux|Bergerac;25:Besançon|Montbéliard;26:Valence|Die;27:
Évreux;28:Chartres;29:Quimper|Brest|Morlaix;30:Nîmes|Alès;31:Toulouse|Colomiers;32:Auch;33:Bordeaux
|Mérignac|Libourne;34:Montpellier|Béziers|Sète;35:Rennes|Saint-Malo|Redon;36:Châteauroux;37:Tours;
38:Grenoble|Vienne|Voiron;39:Lons-le-Saunier|Saint-Claude;40:Mont-de-Marsan|Dax;41:Blois;42:
Saint-Étienne|Roanne;43:Le Puy-en-Velay;44:Nantes|Saint-Nazaire|Rezé;45:Orléans;46:Cahors|Figeac;
47:Agen;48:Mende;49:Angers|Cholet;50:Saint-Lô|Cherbourg-en-Cotentin;51:Châlons-en-Champagne|Reims;
52:Chaumont;53:Laval;54:Nancy;55:Bar-le-Duc;56:Vannes|Lorient;57:Metz|Thionville;58:Nevers;59:Lille
|Roubaix|Dunkerque|Villeneuve-d'Ascq;60:Beauvais;61:Alençon;62:Arras|Lens|Calais;63:Clermont-Ferrand
|Thiers;64:Pau|Bayonne;65:Tarbes;66:Perpignan|Prades;67:Strasbourg|Sélestat;68:Colmar|Mulhouse;69:
Lyon|Villeurbanne|Vénissieux;70:Vesoul;71:Mâcon|Chalon-sur-Saône|Le Creusot;72:Le Mans;73:Chambéry;
74:Annecy;75:Paris;76:Rouen|Le Havre;77:Melun|Meaux;78:Versailles;79:Niort;80:Amiens;81:
Albi|Castres;82:Montauban;83:Toulon|Draguignan;84:Avignon|Apt;85:La Roche-sur-Yon;86:Poitiers;87:
Limoges;88:Épinal;89:Auxerre;90:Belfort;91:Évry-Courcouronnes;92:Nanterre|Montrouge;93:Bobigny|
Montreuil|Saint-Denis;94:Créteil|Ivry-sur-Seine;95:Cergy;971:Pointe-à-Pitre;972:Fort-de-France;973:
Cayenne;974:Saint-Denis|Saint-Pierre;976:Mamoudzou""".replace("\n", "").split(";")
)
DEPARTEMENT_WEIGHTS = {
    "75": 9,
    "69": 8,
    "44": 7,
    "13": 6,
    "31": 6,
    "33": 6,
    "35": 6,
    "59": 6,
    "34": 5,
    "38": 5,
    "93": 5,
    "29": 4,
    "63": 4,
    "67": 4,
    "92": 4,
    "94": 4,
}
SECTOR_WEIGHTS = {
    "F": 20,
    "M": 18,
    "C": 12,
    "J": 10,
    "N": 6,
    "Q": 6,
    "P": 5,
    "G": 5,
    "I": 5,
    "R": 5,
    "H": 3,
    "S": 3,
    "A": 2,
    "E": 2,
    "K": 1,
    "L": 1,
    "D": 1,
}
FEDERATION_OF_SECTOR = {
    "F": "federation-btp",
    "C": "federation-industrie",
    "J": "federation-communication",
}
FAMILY_WEIGHTS = {"scop": 68, "scic": 27, "cae": 5}
FORM_WEIGHTS = {
    "scop": {"sarl": 55, "sas": 30, "sa": 15},
    "scic": {"sas": 55, "sarl": 25, "sa": 20},
    "cae": {"sas": 45, "sarl": 40, "sa": 15},
}
FIRST_FOUNDING_YEAR = {"scop": 1884, "scic": 2002, "cae": 1995}
HEADCOUNT_WEIGHTS = {
    "0-4": 38,
    "5-9": 20,
    "10-19": 17,
    "20-49": 14,
    "50-99": 6,
    "100-249": 3.5,
    "250+": 1.5,
}
NAME_STARTS = [
    "Atelier",
    "Les Ateliers",
    "Coopérative",
    "Scop",
    "Maison",
    "La Fabrique",
    "Collectif",
    "Les Compagnons",
    "Union",
    "Terre",
    "Réseau",
    "Alliance",
    "Ensemble",
    "L'Équipage",
    "Le Chantier",
    "La Ruche",
    "Le Relais",
    "Les Artisans",
    "Solidaires",
    "Horizon",
]
NAME_TRADES = [
    "Bois",
    "Numérique",
    "Énergie",
    "Habitat",
    "Conseil",
    "Impression",
    "Transport",
    "Services",
    "Bâtiment",
    "Culture",
    "Éducation",
    "Santé",
    "Alimentation",
    "Paysage",
    "Mobilité",
]
NAME_PLACES = [
    "du Bocage",
    "des Deux Rives",
    "du Lac",
    "de la Vallée",
    "des Monts",
    "du Littoral",
    "de l'Estuaire",
    "des Tilleuls",
    "du Vieux Port",
    "des Coteaux",
    "du Plateau",
    "de la Forêt",
    "des Sources",
    "du Canal",
    "des Marais",
    "de la Colline",
    "du Moulin",
    "des Cèdres",
    "de la Presqu'île",
    "du Causse",
    "des Landes",
    "du Bassin",
    "des Garrigues",
    "de la Plaine",
]
FIRST_NAMES = [
    "Camille",
    "Dominique",
    "Claude",
    "Alex",
    "Sacha",
    "Marie",
    "Jean",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Philippe",
    "Sylvie",
    "Nicolas",
    "Catherine",
    "Julien",
    "Sophie",
    "Thomas",
    "Céline",
    "Mathieu",
    "Aurélie",
    "Antoine",
    "Julie",
    "Hélène",
    "Olivier",
    "Émilie",
    "Sébastien",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Louis",
    "Inès",
    "Gabriel",
    "Jade",
    "Arthur",
    "Louise",
    "Raphaël",
    "Zoé",
    "Nour",
    "Yanis",
    "Fatou",
    "Mehdi",
    "Amina",
    "Karim",
    "Leïla",
    "Malik",
    "Awa",
    "Samuel",
    "Agnès",
    "Bernard",
    "Françoise",
    "Gaëlle",
    "Loïc",
    "Maëlle",
    "Yann",
    "Anaïs",
    "Rémi",
    "Solène",
    "Benoît",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Le Gall",
    "Kerouac",
    "Diallo",
    "Nguyen",
    "Benali",
    "Traoré",
]

# ---- Vocabulary of practices -----------------------------------------------------------------
# What each theme is about (used inside sentences) and how its practices are named.
TOPICS = {
    "raison-d-etre": ["notre raison d'être", "le projet coopératif", "le sens de notre travail"],
    "strategie-partagee": [
        "la stratégie à cinq ans",
        "le plan d'investissement",
        "les orientations stratégiques",
    ],
    "transmission-reprise": [
        "la reprise par les salariés",
        "la transmission de l'entreprise",
        "le rachat des parts du fondateur",
    ],
    "inter-cooperation": [
        "les achats mutualisés entre coopératives",
        "l'inter-coopération",
        "les partenariats avec d'autres Scop",
    ],
    "ancrage-territorial": [
        "l'ancrage territorial",
        "les liens avec les collectivités locales",
        "l'emploi local",
    ],
    "gouvernance": [
        "la gouvernance",
        "le rôle du conseil d'administration",
        "le renouvellement de la gérance",
    ],
    "prise-de-decision-collective": [
        "la prise de décision collective",
        "l'élection sans candidat",
        "la décision par consentement",
    ],
    "assemblee-generale": [
        "la préparation de l'assemblée générale",
        "le vote en assemblée générale",
        "l'animation de l'AG",
    ],
    "organisation-du-travail": [
        "l'organisation du travail",
        "les rôles tournants",
        "l'autonomie des équipes",
    ],
    "outils-numeriques-libres": [
        "les outils numériques libres",
        "le passage aux logiciels libres",
        "l'hébergement de nos données",
    ],
    "information-transparence": [
        "la transparence des comptes",
        "le partage des chiffres clés",
        "l'information des associés",
    ],
    "integration-nouveaux-associes": [
        "l'intégration des nouveaux associés",
        "le parcours vers le sociétariat",
        "l'accueil des nouveaux salariés",
    ],
    "formation-cooperative": [
        "la formation coopérative",
        "la formation des élus",
        "la culture coopérative",
    ],
    "parite-egalite": [
        "l'égalité entre femmes et hommes",
        "la parité dans les instances",
        "la lutte contre le sexisme",
    ],
    "qualite-de-vie-au-travail": [
        "la qualité de vie au travail",
        "la prévention des risques psychosociaux",
        "l'équilibre des temps",
    ],
    "convivialite": ["la convivialité", "le sentiment d'appartenance", "les temps collectifs"],
    "partage-de-la-valeur": [
        "le partage de la valeur",
        "la répartition des résultats",
        "les écarts de salaires",
    ],
    "transition-ecologique": [
        "la transition écologique",
        "le bilan carbone",
        "la sobriété énergétique",
    ],
    "revision-cooperative": [
        "la révision coopérative",
        "le suivi des recommandations du réviseur",
        "le respect des principes coopératifs",
    ],
    "rse-impact": ["la mesure d'impact", "la responsabilité sociétale", "l'utilité sociale"],
    "performance-economique": [
        "le pilotage économique",
        "les indicateurs de gestion",
        "la trésorerie",
    ],
}
TITLE_STARTS = {
    "raison-d-etre": [
        "Écrire notre raison d'être",
        "Faire vivre le projet coopératif",
        "Redonner du sens au projet commun",
    ],
    "strategie-partagee": [
        "Construire la stratégie avec tous les associés",
        "Un séminaire stratégique ouvert à toute l'équipe",
        "Partager le plan d'investissement",
    ],
    "transmission-reprise": [
        "Reprendre l'entreprise en Scop",
        "Préparer le départ du fondateur",
        "Transmettre l'entreprise à ses salariés",
    ],
    "inter-cooperation": [
        "Mutualiser les achats entre coopératives",
        "Créer un groupement de coopératives",
        "Répondre ensemble aux marchés publics",
    ],
    "ancrage-territorial": [
        "S'ancrer dans son territoire",
        "Travailler avec les acteurs locaux",
        "Ouvrir l'atelier aux habitants",
    ],
    "gouvernance": [
        "Renouveler le conseil d'administration par tiers",
        "Une gérance collégiale",
        "Clarifier qui décide de quoi",
    ],
    "prise-de-decision-collective": [
        "Décider par consentement",
        "Élire sans candidat",
        "Des votes consultatifs avant chaque grande décision",
    ],
    "assemblee-generale": [
        "Une assemblée générale vivante",
        "Préparer l'AG en ateliers",
        "Voter en assemblée générale à distance",
    ],
    "organisation-du-travail": [
        "Des rôles tournants",
        "S'organiser en cercles autonomes",
        "Un planning construit par l'équipe",
    ],
    "outils-numeriques-libres": [
        "Passer aux logiciels libres",
        "Héberger nos outils nous-mêmes",
        "Un intranet libre pour les associés",
    ],
    "information-transparence": [
        "Afficher les chiffres clés chaque mois",
        "Ouvrir les comptes à tous les salariés",
        "Une lettre interne des associés",
    ],
    "integration-nouveaux-associes": [
        "Un parcours d'intégration vers le sociétariat",
        "Parrainer chaque nouvel entrant",
        "Accueillir les nouveaux associés",
    ],
    "formation-cooperative": [
        "Former les futurs élus",
        "Un cycle de formation coopérative",
        "Jouer pour comprendre les statuts",
    ],
    "parite-egalite": [
        "Viser la parité au conseil d'administration",
        "Mesurer les écarts de salaires entre femmes et hommes",
        "Agir contre le sexisme au travail",
    ],
    "qualite-de-vie-au-travail": [
        "Prévenir l'épuisement",
        "La semaine de quatre jours",
        "Aménager les horaires avec l'équipe",
    ],
    "convivialite": [
        "Un repas partagé chaque mois",
        "Une journée coopérative annuelle",
        "Faire connaître les métiers de chacun",
    ],
    "partage-de-la-valeur": [
        "Répartir les résultats en transparence",
        "Limiter les écarts de salaires",
        "Une participation égale pour tous",
    ],
    "transition-ecologique": [
        "Réaliser notre bilan carbone",
        "Réduire nos consommations d'énergie",
        "Des véhicules partagés pour l'équipe",
    ],
    "revision-cooperative": [
        "Tirer parti de la révision coopérative",
        "Suivre les recommandations du réviseur",
        "Préparer la révision avec les associés",
    ],
    "rse-impact": [
        "Mesurer notre utilité sociale",
        "Un rapport d'impact écrit par l'équipe",
        "Engager une démarche RSE",
    ],
    "performance-economique": [
        "Un tableau de bord partagé",
        "Piloter la trésorerie ensemble",
        "Former les associés à la lecture des comptes",
    ],
}
# Trades, most frequent first: drawn with a Zipf law, so the last ones are rare words that a
# narrow search finds in few practices.
TRADES = [
    ("un", "bureau d'études"),
    ("une", "entreprise du bâtiment"),
    ("une", "agence de communication"),
    ("une", "société de services numériques"),
    ("une", "imprimerie"),
    ("une", "menuiserie"),
    ("un", "cabinet de conseil"),
    ("une", "entreprise de transport"),
    ("une", "coopérative d'activité et d'emploi"),
    ("une", "entreprise de nettoyage"),
    ("une", "crèche"),
    ("une", "librairie"),
    ("une", "boulangerie"),
    ("une", "brasserie artisanale"),
    ("un", "restaurant"),
    ("une", "ferme maraîchère"),
    ("une", "entreprise de travaux publics"),
    ("une", "fonderie"),
    ("une", "chaudronnerie"),
    ("une", "agence d'architecture"),
    ("un", "organisme de formation"),
    ("une", "entreprise d'insertion"),
    ("un", "service d'aide à domicile"),
    ("une", "radio locale"),
    ("un", "cinéma"),
    ("une", "salle de spectacle"),
    ("une", "compagnie de théâtre"),
    ("un", "journal local"),
    ("une", "maison d'édition"),
    ("une", "épicerie"),
    ("un", "garage solidaire"),
    ("une", "recyclerie"),
    ("une", "entreprise d'électricité"),
    ("une", "entreprise de plomberie"),
    ("une", "scierie"),
    ("une", "fromagerie"),
    ("une", "biscuiterie"),
    ("une", "verrerie"),
    ("une", "entreprise de couverture"),
    ("une", "laverie"),
    ("une", "papeterie"),
    ("une", "auto-école"),
    ("une", "centrale villageoise"),
    ("une", "coopérative d'habitants"),
    ("un", "laboratoire d'analyses"),
    ("une", "pharmacie"),
    ("une", "agence de voyages"),
    ("une", "école de musique"),
    ("une", "tonnellerie"),
    ("une", "coutellerie"),
    ("une", "sellerie"),
    ("une", "cordonnerie"),
    ("une", "vannerie"),
    ("une", "horlogerie"),
    ("une", "ganterie"),
    ("une", "poterie"),
    ("une", "distillerie"),
    ("une", "savonnerie"),
    ("une", "fabrique de jouets en bois"),
    ("une", "chocolaterie"),
]
TRADE_WEIGHTS = list(itertools.accumulate(1 / rank**1.3 for rank in range(1, len(TRADES) + 1)))
TITLE_ENDS = [
    "",
    " dans {trade_a}",
    " dans {trade_a} de {n} salariés",
    " : retour d'expérience",
    " : l'expérience d'{trade_a} à {town}",
    " en {family}",
    " à {town}",
]
TOOLS = [
    "un tableau de bord partagé",
    "une charte de gouvernance",
    "un séminaire annuel",
    "des ateliers mensuels",
    "un parcours d'intégration",
    "un wiki interne",
    "un budget participatif",
    "une grille de salaires publique",
    "un binôme de parrainage",
    "une lettre interne",
    "un comité de suivi",
    "un jeu de rôle sur les statuts",
]
ACTORS = [
    "la gérance",
    "le conseil d'administration",
    "le comité de direction",
    "un groupe d'associés volontaires",
    "le collège des salariés",
    "l'équipe",
    "le CSE",
    "la commission formation",
]
DURATIONS = ["trois mois", "six mois", "un an", "deux ans", "trois ans", "quelques semaines"]
SENTENCES = {
    "summary": [
        "Comment {trade_a} en {family} a fait de {topic} un sujet partagé par toute l'équipe.",
        "Avec {n} salariés, nous avons revu {topic} pour que chaque associé y prenne part.",
        "Retour sur {duration} de pratique : ce qui a marché, ce qui reste à améliorer.",
        "Une démarche simple, reproductible dans une petite coopérative, qui s'appuie sur {tool}.",
        "Nous partageons nos outils et nos erreurs pour que d'autres coopératives gagnent du "
        "temps.",
        "La pratique relie {topic} et {topic2}, deux sujets souvent traités séparément.",
    ],
    "context": [
        "Dans notre {trade}, {topic} restait l'affaire de quelques personnes, souvent les mêmes.",
        "Lors de l'assemblée générale de {year}, des associés ont fait remarquer que {topic} "
        "n'était jamais vraiment discuté.",
        "Avec l'arrivée de {n} nouveaux salariés en deux ans, l'information ne circulait plus.",
        "La révision coopérative avait pointé un écart entre nos statuts et nos pratiques.",
        "Beaucoup de salariés ne savaient pas ce que voulait dire être associé, ni comment se "
        "prenaient les décisions.",
        "Après la transformation en {family}, il a fallu repenser {topic} pour que chacun y "
        "trouve sa place.",
        "Le conseil d'administration passait ses réunions sur les chiffres, sans temps pour la "
        "stratégie.",
        "Nos clients et nos partenaires du territoire nous interrogeaient de plus en plus sur "
        "{topic2}.",
        "Le départ à la retraite de {n} associés fondateurs posait la question de la "
        "transmission des savoir-faire.",
        "L'équipe, répartie sur plusieurs sites autour de {town}, se croisait peu.",
        "Les réunions s'allongeaient et les décisions importantes étaient souvent reportées.",
    ],
    "actions": [
        "Nous avons mis en place {tool} pour suivre {topic}.",
        "{actor} a proposé un cycle de {n} ateliers, animés à tour de rôle par des associés.",
        "Un groupe de travail mêlant associés et non associés a préparé des propositions "
        "soumises à l'assemblée générale.",
        "Chaque trimestre, {actor} présente l'avancement et recueille les questions de l'équipe.",
        "Nous nous sommes appuyés sur l'Union régionale pour une formation de {duration} "
        "consacrée à {topic}.",
        "Les décisions sont prises par consentement : une proposition est adoptée si personne "
        "n'a d'objection argumentée.",
        "Nous avons rédigé une charte qui précise qui décide de quoi et comment mettre un sujet "
        "à l'ordre du jour.",
        "Les chiffres clés sont affichés chaque mois et commentés en réunion, sans jargon.",
        "Un binôme de parrainage accompagne chaque nouvel entrant jusqu'à sa candidature au "
        "sociétariat.",
        "Une part des résultats est consacrée à {topic2}, selon une règle votée en assemblée "
        "générale.",
    ],
    "setup_steps": [
        "Présenter le projet en réunion d'équipe et recueillir les attentes.",
        "Constituer un groupe de travail ouvert à tous, associés ou non.",
        "Faire un état des lieux de {topic} avec des entretiens courts.",
        "Rédiger une première proposition et la faire relire par {actor}.",
        "Tester pendant {duration} sur un atelier pilote.",
        "Faire le bilan avec l'équipe et ajuster les règles.",
        "Faire voter le dispositif en assemblée générale.",
        "Inscrire la pratique dans le règlement intérieur et le livret d'accueil.",
        "Prévoir un point annuel pour vérifier si {tool} répond toujours aux besoins.",
    ],
    "results": [
        "Après {duration}, la participation à l'assemblée générale est passée de {p1} % à {p2} %.",
        "{n} salariés sont devenus associés depuis le lancement de la démarche.",
        "Les décisions sont mieux comprises et moins souvent remises en cause après coup.",
        "Le taux de sociétariat atteint désormais {p2} % des salariés.",
        "Les réunions du conseil d'administration font une vraie place à la stratégie.",
        "Nous avons réduit nos consommations d'énergie d'environ {p1} % en {duration}.",
        "La démarche a été reprise par {n} coopératives du réseau autour de {town}.",
        "Le climat de travail s'est amélioré, comme le montre l'enquête annuelle.",
        "{topic_cap} fait maintenant partie des sujets suivis par la révision coopérative.",
    ],
    "difficulties": [
        "Le plus difficile a été de trouver du temps : il faut protéger ces moments.",
        "Certains associés historiques ont d'abord vu la démarche comme une remise en cause.",
        "Attention à ne pas multiplier les réunions : mieux vaut peu de rendez-vous, préparés.",
        "Nous conseillons de commencer petit, sur un atelier volontaire, avant d'étendre.",
        "La formation des nouveaux élus demande un budget qu'il faut prévoir dès le départ.",
        "Sans quelqu'un pour porter le sujet, {topic} retombe vite dans l'oubli.",
        "Le vocabulaire juridique fait peur : traduisez les statuts en langage courant.",
        "Les premières décisions prises collectivement prennent plus de temps, c'est normal.",
    ],
}
SETUP_DURATIONS = [
    "Trois mois de préparation, puis une demi-journée par trimestre.",
    "Une journée par mois pendant un an.",
    "Deux heures par semaine au début.",
    "Six mois entre la première réunion et le vote en assemblée générale.",
]
SETUP_COSTS = [
    "Aucun coût direct, du temps de travail.",
    "Environ 2 000 € de formation.",
    "Environ 500 € par an (hébergement et matériel).",
    "Une journée d'accompagnement par l'Union régionale.",
]
SETUP_PEOPLE = [
    "La gérance et deux associés volontaires.",
    "Toute l'équipe.",
    "Le conseil d'administration et un binôme de salariés.",
    "Un groupe de cinq personnes, renouvelé chaque année.",
]
CONTACT_ROLES = [
    "gérante",
    "gérant",
    "président du conseil d'administration",
    "chargée de mission",
    "responsable administratif",
    "associée salariée",
]
STATUS_WEIGHTS = {
    "published": 88,
    "draft": 6,
    "submitted": 3,
    "in_review": 2,
    "changes_requested": 1,
}
MEMBERS_ONLY_SHARE = 0.15


@dataclass
class Reference:
    departements: list[Departement]
    departement_weights: list[float]
    sectors: list[Sector]
    sector_weights: list[float]
    federations: dict[str, int]
    unions: list[int]
    categories: list[Category]
    themes: dict[int, list[Theme]]


def cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def load_reference() -> Reference:
    """The reference rows the data hangs on, or a clear error when the fixtures are missing."""
    departements = list(Departement.objects.order_by("code"))
    sectors = list(Sector.objects.order_by("code"))
    categories = list(Category.objects.order_by("position", "pk"))
    themes = list(
        Theme.objects.select_related("category").order_by("category__position", "position", "name")
    )
    unions = list(
        Organisation.objects.filter(kind=Organisation.Kind.UNION)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not (departements and sectors and unions and categories and themes):
        raise CommandError(
            "Données de référence absentes : chargez d'abord le réseau et la taxonomie "
            "(python manage.py loaddata network taxonomy)."
        )
    federations = dict(
        Organisation.objects.filter(kind=Organisation.Kind.FEDERATION).values_list("slug", "pk")
    )
    by_category: dict[int, list[Theme]] = {category.pk: [] for category in categories}
    for theme in themes:
        by_category[theme.category_id].append(theme)
    return Reference(
        departements=departements,
        departement_weights=cumulative(DEPARTEMENT_WEIGHTS.get(d.code, 1) for d in departements),
        sectors=sectors,
        sector_weights=cumulative(SECTOR_WEIGHTS.get(s.code, 0.05) for s in sectors),
        federations=federations,
        unions=unions,
        categories=categories,
        themes=by_category,
    )


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def batched_insert(
    model,
    rows: Iterable,
    *,
    total: int,
    batch_size: int,
    label: str,
    show: bool,
    ignore_conflicts: bool = False,
) -> Iterator[list]:
    """Insert rows in batches under a progress bar, yielding each saved batch."""
    with tqdm(total=total, desc=label, unit=" lignes", disable=not show, mininterval=1) as bar:
        for batch in itertools.batched(rows, batch_size):
            saved = model.objects.bulk_create(list(batch), ignore_conflicts=ignore_conflicts)
            bar.update(len(saved))
            yield saved


def cooperative_rows(rng: random.Random, count: int, ref: Reference) -> Iterator[Cooperative]:
    taken = set(Cooperative.objects.values_list("siren", flat=True))
    for number in range(1, count + 1):
        siren = siren_with_checksum(f"{rng.randrange(30_000_000, 99_999_999):08d}")
        while siren in taken:
            siren = siren_with_checksum(f"{rng.randrange(30_000_000, 99_999_999):08d}")
        taken.add(siren)
        departement = rng.choices(ref.departements, cum_weights=ref.departement_weights)[0]
        sector = rng.choices(ref.sectors, cum_weights=ref.sector_weights)[0]
        family = pick(rng, FAMILY_WEIGHTS)
        commune = generated_commune(rng, departement)
        town = commune.name if commune else departement.name
        start = rng.choice(NAME_STARTS)
        name = (
            f"{start} {rng.choice(NAME_TRADES)} {rng.choice(NAME_PLACES)}"
            if rng.random() < 0.6
            else f"{start} {rng.choice(NAME_PLACES)}"
        )
        federation = FEDERATION_OF_SECTOR.get(sector.code)
        founded = ANCHOR.year - int(rng.expovariate(1 / 14))
        yield Cooperative(
            name=name,
            slug=f"{slugify(name)[:200]}-g{number}",
            family=family,
            company_form=pick(rng, FORM_WEIGHTS[family]),
            siren=siren,
            siret=siret_with_checksum(siren, rng.randint(1, 40) * 10),
            union_id=departement.union_id,
            departement=departement,
            commune=town,
            commune_code=commune.code if commune else "",
            postcode=commune.postcodes[0] if commune and commune.postcodes else "",
            latitude=commune.latitude if commune else None,
            longitude=commune.longitude if commune else None,
            location_precision=LocationPrecision.COMMUNE if commune else "",
            federation_id=(ref.federations.get(federation or "") if rng.random() < 0.7 else None),
            naf_code=rng.choice(naf.codes_in(sector.code) or ["70.22Z"]),
            sector=sector,
            headcount=pick(rng, HEADCOUNT_WEIGHTS),
            founded_year=max(FIRST_FOUNDING_YEAR[family], founded),
            description=f"{sector.name}, {town}.",
            ambassador=rng.random() < 0.03,
            offers_mentoring=rng.random() < 0.06,
            seeks_mentoring=rng.random() < 0.04,
            added_at=ANCHOR - timedelta(days=rng.randrange(0, 3650)),
        )


def generated_commune(rng: random.Random, departement) -> "geocoding.Commune | None":
    """A real commune of the département (network/geocoding.py): mostly one of its main
    towns, where cooperatives gather, else any of its communes, so that the map is filled as
    the network's would be."""
    if rng.random() < 0.7:
        town = rng.choice(TOWNS.get(departement.code, departement.name).split("|"))
        found = geocoding.named_in(departement.code, town)
        if found is not None and found.placed:
            return found
    communes = geocoding.communes_of(departement.code)
    return rng.choice(communes) if communes else None


@functools.cache
def password_hash() -> str:
    """One hash shared by every generated person: hashing is slow on purpose, and a fixed salt
    keeps the rows identical from one run to the next."""
    return make_password(PASSWORD, salt="generatedata")


def person_rows(
    rng: random.Random, count: int, cooperatives: list[Cooperative], ref: Reference
) -> Iterator[User]:
    password = password_hash()
    sizes = {"0-4": 3, "5-9": 7, "10-19": 15, "20-49": 35, "50-99": 70, "100-249": 150, "250+": 300}
    coop_weights = cumulative(sizes[c.headcount] for c in cooperatives)
    for number in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        draw = rng.random()
        role = (
            Role.MODERATOR
            if draw < 0.005
            else Role.PERMANENT
            if draw < 0.02
            else Role.COOPERATIVE_ADMIN
            if draw < 0.14
            else Role.MEMBER
        )
        staff = role in {Role.MODERATOR, Role.PERMANENT}
        cooperative = (
            None
            if staff or not cooperatives
            else rng.choices(cooperatives, cum_weights=coop_weights)[0]
        )
        yield User(
            email=f"{slugify(first)}.{slugify(last)}.{number}@{EMAIL_DOMAIN}",
            full_name=f"{first} {last}",
            role=role,
            password=password,
            cooperative=cooperative,
            organisation_id=rng.choice(ref.unions) if staff else None,
            language="en" if rng.random() < 0.04 else "fr",
            date_joined=ANCHOR - timedelta(days=rng.uniform(0, 365 * YEARS_OF_PUBLICATION)),
        )


class Writer:
    """Assembles a practice's texts from the vocabulary, remembering each distinct sentence's
    index and words: practices share most sentences, so indexing them once is what makes
    50,000 practices fast."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.indexed: dict[str, str] = {}
        self.vocabulary: set[str] = set()

    def index(self, text: str) -> str:
        found = self.indexed.get(text)
        if found is None:
            found = self.indexed[text] = index_text(text)
            self.vocabulary.update(
                word
                for word in words(text)
                if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
            )
        return found

    def section(self, kind: str, slots: dict, low: int, high: int) -> list[str]:
        target = self.rng.randint(low, high)
        templates = self.rng.sample(SENTENCES[kind], len(SENTENCES[kind]))
        sentences: list[str] = []
        size = 0
        for template in templates:
            if size >= target:
                break
            slots["n"] = self.rng.randint(3, 40)
            sentence = template.format(**slots)
            sentence = sentence[0].upper() + sentence[1:]
            sentences.append(sentence)
            size += len(sentence) + 1
        return sentences


def practice_rows(
    rng: random.Random,
    count: int,
    ref: Reference,
    cooperatives: list,
    authors: dict[int, int],
    writer: Writer,
) -> Iterator[tuple]:
    """(practice, cooperative ids, theme ids) for each generated practice."""
    span = timedelta(days=365 * YEARS_OF_PUBLICATION).total_seconds()
    for number in range(1, count + 1):
        category = rng.choice(ref.categories)
        own = ref.themes[category.pk]
        themes = rng.sample(own, min(len(own), rng.choice([1, 2, 2, 3])))
        if rng.random() < 0.1:
            themes.append(rng.choice(ref.themes[rng.choice(ref.categories).pk]))
        themes = sorted(set(themes), key=lambda t: (t.category.position, t.position, t.name))
        chosen = sorted({rng.randrange(len(cooperatives)) for _ in range(rng.choice([1, 1, 1, 2]))})
        coops = sorted((cooperatives[i] for i in chosen), key=lambda c: c.name)
        status = pick(rng, STATUS_WEIGHTS)
        published_at = (
            ANCHOR - timedelta(seconds=rng.uniform(0, span)) if status == "published" else None
        )
        created_at = (published_at or ANCHOR) - timedelta(days=rng.uniform(2, 90))
        main = rng.choice(themes)
        article, trade = TRADES[rng.choices(range(len(TRADES)), cum_weights=TRADE_WEIGHTS)[0]]
        topic = rng.choice(TOPICS[main.slug])
        slots = {
            "trade": trade,
            "trade_a": f"{article} {trade}",
            "topic": topic,
            "topic_cap": topic[0].upper() + topic[1:],
            "topic2": rng.choice(TOPICS[rng.choice(themes).slug]),
            "tool": rng.choice(TOOLS),
            "actor": rng.choice(ACTORS),
            "duration": rng.choice(DURATIONS),
            "family": coops[0].get_family_display(),
            "town": coops[0].commune,
            "year": created_at.year - rng.randint(1, 4),
            "p1": rng.randint(10, 40),
            "p2": rng.randint(50, 95),
            "n": rng.randint(3, 40),
        }
        title = rng.choice(TITLE_STARTS[main.slug]) + rng.choice(TITLE_ENDS).format(**slots)
        practice = Practice(
            title=title,
            slug=f"{slugify(title)[:200]}-g{number}",
            category=category,
            status=status,
            created_at=created_at,
            published_at=published_at,
            visibility="members" if rng.random() < MEMBERS_ONLY_SHARE else "public",
            setup_duration=rng.choice(SETUP_DURATIONS),
            setup_cost=rng.choice(SETUP_COSTS),
            setup_people=rng.choice(SETUP_PEOPLE),
            author_id=authors.get(coops[0].pk),
            contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            contact_role=rng.choice(CONTACT_ROLES),
            started_year=created_at.year - rng.randint(0, 4),
        )
        fill_texts(practice, writer, slots, themes, coops)
        yield practice, [c.pk for c in coops], [t.pk for t in themes]


def fill_texts(practice: Practice, writer: Writer, slots: dict, themes: list, coops: list) -> None:
    """Texts, then the copies that save() and reindex() would have computed."""
    sections = {
        "summary": writer.section("summary", slots, 250, 330),
        "context": writer.section("context", slots, 300, 750),
        "actions": writer.section("actions", slots, 300, 750),
        "setup_steps": [
            f"{n}. {step}"
            for n, step in enumerate(writer.section("setup_steps", slots, 300, 750), 1)
        ],
        "results": writer.section("results", slots, 300, 750),
        "difficulties": writer.section("difficulties", slots, 300, 750),
    }
    for name, sentences in sections.items():
        setattr(practice, name, ("\n" if name == "setup_steps" else " ").join(sentences))
    # Indexed as Practice.reindex() does (indexing.py), sentence by sentence: the index of
    # joined pieces is the join of their indexes, and sentences repeat across practices.
    practice.search_title = writer.index(practice.title)
    practice.title_length = len(practice.search_title)
    head = head_pieces(practice, category=practice.category, themes=themes, tags=[])
    practice.search_head = joined([*sections["summary"], *head[1:]], writer.index)
    body = body_pieces(practice, cooperatives=coops)[len(BODY_FIELDS) :]
    sectioned = [*sections["context"], *sections["actions"], *sections["setup_steps"]]
    practice.search_body = joined(
        [
            *sectioned,
            practice.setup_duration,
            practice.setup_cost,
            practice.setup_people,
            *sections["results"],
            *sections["difficulties"],
            *body,
        ],
        writer.index,
    )
    practice.sort_title = fold(practice.title)[:200]
    practice.published_year = practice.published_at.year if practice.published_at else None


def generate(
    *, practices: int, cooperatives: int, people: int, seed: int, batch_size: int, show: bool
) -> None:
    ref = load_reference()

    def insert(model, rows: Iterable, total: int, label: str, **options) -> Iterator[list]:
        return batched_insert(
            model, rows, total=total, label=label, batch_size=batch_size, show=show, **options
        )

    coops = [
        c
        for saved in insert(
            Cooperative,
            cooperative_rows(random.Random(f"{seed}:cooperatives"), cooperatives, ref),
            cooperatives,
            "coopératives",
        )
        for c in saved
    ]
    if not coops and practices:
        coops = list(Cooperative.objects.order_by("pk"))
        if not coops:
            raise CommandError("Il faut au moins une coopérative pour générer des pratiques.")
    authors: dict[int, int] = {}
    person_stream = person_rows(random.Random(f"{seed}:people"), people, coops, ref)
    for saved in insert(User, person_stream, people, "personnes"):
        for person in saved:
            if person.cooperative_id:
                authors.setdefault(person.cooperative_id, person.pk)
    writer = Writer(random.Random(f"{seed}:texts"))
    links: list[tuple[int, list[int], list[int]]] = []
    rows = practice_rows(random.Random(f"{seed}:practices"), practices, ref, coops, authors, writer)
    with tqdm(
        total=practices, desc="pratiques", unit=" lignes", disable=not show, mininterval=1
    ) as bar:
        for chunk in itertools.batched(rows, batch_size):
            created = Practice.objects.bulk_create([practice for practice, _c, _t in chunk])
            links += [(p.pk, c, t) for p, (_p, c, t) in zip(created, chunk, strict=True)]
            bar.update(len(created))
    link_rows = (
        Practice.cooperatives.through(practice_id=p, cooperative_id=c)
        for p, cs, _ts in links
        for c in cs
    )
    collections.deque(
        insert(
            Practice.cooperatives.through,
            link_rows,
            sum(len(c) for _p, c, _t in links),
            "pratiques × coopératives",
        ),
        maxlen=0,
    )
    theme_rows = (
        Practice.themes.through(practice_id=p, theme_id=t) for p, _cs, ts in links for t in ts
    )
    collections.deque(
        insert(
            Practice.themes.through,
            theme_rows,
            sum(len(t) for _p, _c, t in links),
            "pratiques × thèmes",
        ),
        maxlen=0,
    )
    vocabulary = sorted(writer.vocabulary)
    word_rows = (Word(word=w, stem=stem(w), length=len(w)) for w in vocabulary)
    collections.deque(
        insert(Word, word_rows, len(vocabulary), "vocabulaire", ignore_conflicts=True), maxlen=0
    )


# Rows deleted at once: Django sets the references to a deleted person to NULL with one
# UPDATE … WHERE id IN (…) for all of them, and with parameters bound on the server
# (PostgreSQL, lib/env.py) a query takes at most 65,535.
DELETE_BATCH = 5000


def clear_generated() -> None:
    """Remove what a previous run generated (recognised by slug and address), nothing else."""
    for queryset in (
        Practice.objects.filter(slug__regex=GENERATED_SLUG),
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}"),
        Cooperative.objects.filter(slug__regex=GENERATED_SLUG),
    ):
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), DELETE_BATCH):
            queryset.model.objects.filter(pk__in=pks[start : start + DELETE_BATCH]).delete()


class Command(BaseCommand):
    help = (
        "Génère des coopératives, des personnes et des pratiques en nombre, de façon "
        "reproductible, pour le banc d'essai."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--practices", type=int, default=1000)
        parser.add_argument("--cooperatives", type=int, default=200)
        parser.add_argument("--people", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Supprimer d'abord les données générées précédemment.",
        )

    def handle(self, *args, **options) -> None:
        show = options["verbosity"] > 0
        with transaction.atomic():
            if options["clear"]:
                clear_generated()
            elif Cooperative.objects.filter(slug__regex=GENERATED_SLUG).exists():
                raise CommandError("Des données générées existent déjà : relancez avec --clear.")
            generate(
                practices=options["practices"],
                cooperatives=options["cooperatives"],
                people=options["people"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                show=show,
            )
            # bulk_create bypasses Practice.save(), which keeps the facet counts and the newest
            # practices of each theme and category (« Pratiques proches »): build them again.
            facet_rows.rebuild_all(Practice)
            related.rebuild_all(Practice, Theme, Category)
            # And what the directory reads of each cooperative (« a des pratiques » included).
            directory_index.rebuild_all(Cooperative)
            # And the bodies of their pages (page_body.py).
            page_body.render_all()
        # bulk_create and queryset deletes bypass Practice.save() and delete(), which renew the
        # cached list counts: renew them here.
        forget_listings()
        if show:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Généré : {options['cooperatives']} coopératives, {options['people']} "
                    f"personnes, {options['practices']} pratiques (graine {options['seed']})."
                )
            )
