"""Shared by every test: ops a test adds with define_op are gone before the next test starts."""
import pytest

from micrograd_plus import custom_ops, engine


@pytest.fixture(autouse=True)
def rule_table_as_it_was():
    """define_op writes into module-level tables (engine.RULES, custom_ops.FORWARD); restore them,
    so no test sees another's ops and the order of tests cannot change a result."""
    rules, forwards = dict(engine.RULES), dict(custom_ops.FORWARD)
    yield
    engine.RULES.clear()
    engine.RULES.update(rules)
    custom_ops.FORWARD.clear()
    custom_ops.FORWARD.update(forwards)
