"""Views, one module per page family; thin: they validate input, call the search, selectors or
services, render."""
