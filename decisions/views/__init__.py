"""Views, one module per page family; thin: they validate input, call selectors or services, render."""
