"""nest.random's distributions. Connect draws weights and delays from them with the kernel's
seeded random streams (rng_seed), one draw per connection in the C++ engine; nest.math.redraw
of a normal gives the clipped normal. What the engine cannot draw (uniform_int, arithmetic on
parameters, parameters as node values) raises NotAvailable naming it, rather than using some
fixed value instead."""
from .errors import NESTError, NotAvailable


class Parameter:
    """A random value, as PyNEST's nest.random.* return them."""

    def __init__(self, name, **params):
        self.name = name
        self.params = params

    def __repr__(self):
        return f"nestjit.random.{self.name}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"

    def distribution(self, what):
        """The C++ API's Distribution for this parameter (raises for what it cannot draw)."""
        from ._nestjit import Distribution
        make = {"uniform": Distribution.uniform, "normal": Distribution.normal,
                "normal_clipped": Distribution.normal_clipped,
                "lognormal": Distribution.lognormal, "exponential": Distribution.exponential}
        if self.name not in make:
            raise NotAvailable(f"{what}: values drawn from {self!r} are not available in nestjit "
                               "(available: uniform, normal, lognormal, exponential and "
                               "nest.math.redraw of a normal)")
        try:
            args = {k: float(v) for k, v in self.params.items()}
        except (TypeError, ValueError):
            raise NESTError(f"{what}: the arguments of {self!r} must be numbers") from None
        return make[self.name](**args)

    def _arithmetic(self, *_):
        raise NotAvailable(f"arithmetic on random parameters ({self!r}) is not available in "
                           "nestjit; draw from one distribution (nest.random.*) instead")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _arithmetic
    __truediv__ = __rtruediv__ = __pow__ = __neg__ = _arithmetic

    def GetValue(self):
        raise NotAvailable(f"{self!r}.GetValue(): drawing single values in Python is not "
                           "available in nestjit (Connect draws them)")


def uniform(min=0.0, max=1.0):
    return Parameter("uniform", min=min, max=max)


def uniform_int(max):
    return Parameter("uniform_int", max=max)


def normal(mean=0.0, std=1.0):
    return Parameter("normal", mean=mean, std=std)


def lognormal(mean=0.0, std=1.0):
    return Parameter("lognormal", mean=mean, std=std)


def exponential(beta=1.0):
    return Parameter("exponential", beta=beta)
