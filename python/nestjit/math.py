"""nest.math: redraw(nest.random.normal(...), min, max) is the clipped normal (values outside
[min, max] drawn again). The other functions of PyNEST's nest.math combine parameters, which
nestjit's engine cannot; they raise NotAvailable."""
from .errors import NotAvailable
from .random import Parameter


def redraw(parameter, min, max):
    """`parameter` drawn again until it lies in [min, max]; only of a normal distribution."""
    if not isinstance(parameter, Parameter) or parameter.name != "normal":
        raise NotAvailable(f"nest.math.redraw({parameter!r}, ...): nestjit redraws only "
                           "nest.random.normal")
    return Parameter("normal_clipped", mean=parameter.params["mean"],
                     std=parameter.params["std"], min=min, max=max)


def _not_available(name):
    def f(*args):
        raise NotAvailable(f"nest.math.{name} is not available in nestjit (only redraw of a normal)")
    f.__name__ = name
    return f


exp = _not_available("exp")
sin = _not_available("sin")
cos = _not_available("cos")
min = _not_available("min")  # noqa: A001 (PyNEST's name)
max = _not_available("max")  # noqa: A001
