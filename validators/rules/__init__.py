"""Every rule of shared/spec/rules.md, one family per module; importing this package registers them
in the catalog's order: layout, element, drafting, text, security."""
from . import layout, element, drafting, text, security  # noqa: F401,I001
