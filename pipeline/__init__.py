"""protokoll: Swedish municipal protocols and SKL/SKR letters into a relational database."""

__version__ = "0.1.0"
