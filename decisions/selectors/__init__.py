"""Reads beside the search (decisions/search/): the letter page (`letters`), similar decisions
(`similar`) and the export of a search's whole result set (`export`)."""
