import pytest

import ember


@pytest.fixture(autouse=True, scope="module")
def one_intra_op_thread():
    """These tests run whole models; on one thread they leave Ember's pool unstarted, so NumPy's BLAS keeps
    the thread settings the rest of the suite expects (the pool limits BLAS once, for the whole process)."""
    before = ember.get_num_threads()
    ember.set_num_threads(1)
    yield
    ember.set_num_threads(before)
