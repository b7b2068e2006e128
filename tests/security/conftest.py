"""The services' competition fixture, for the fault tests."""

from tests.services.conftest import competition

__all__ = ["competition"]
