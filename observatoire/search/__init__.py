"""The French search engine every list uses: vocabulary, synonyms, typo correction, full text."""
