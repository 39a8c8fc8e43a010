"""Checks that estimators survive pickling: the pickle never leaves the process."""
import pickle

import cloudpickle
import dill


def test_estimator_roundtrip(estimator):
    clone = pickle.loads(pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL))
    assert clone.get_params() == estimator.get_params()


def test_closure_roundtrip():
    scale = 3
    fn = cloudpickle.loads(cloudpickle.dumps(lambda x: x * scale))
    assert fn(2) == 6
    assert dill.loads(
        dill.dumps(fn)
    )(1) == 3
