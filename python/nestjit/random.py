"""nest.random's distributions. Connect draws weights and delays from them with the kernel's
seeded random streams (rng_seed), one draw per connection in the C++ engine; nest.math.redraw
of a normal gives the clipped normal. Node parameters (Create's params, NodeCollection.set,
pop.V_m = nest.random.uniform(...)) are drawn here with numpy, from a stream seeded by rng_seed
and the number of draws since ResetKernel or the last rng_seed change, so a script gives the
same values on each run. What cannot be drawn (arithmetic on parameters, uniform_int as a
weight) raises NotAvailable naming it, rather than using some fixed value instead."""
from .errors import NESTError, NotAvailable

# Node-parameter draws since ResetKernel or the last rng_seed assignment (hl_api resets it).
_draws = {"calls": 0}
# As upstream's redraw: give up after this many rounds of values outside [min, max].
MAX_REDRAWS = 1000


def reset_stream():
    _draws["calls"] = 0


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
        """One value drawn from the parameter (PyNEST's Parameter.GetValue)."""
        return float(draw(self, 1, "GetValue")[0])


def draw(param, n, what):
    """`n` values of `param` as a numpy array (node parameters; see the module's text)."""
    import numpy as np
    from ._kernel import kernel
    seed = int(kernel().kernel_status()["rng_seed"])
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, _draws["calls"]])))
    _draws["calls"] += 1
    p = {k: float(v) for k, v in param.params.items()}

    def need(ok, why):
        if not ok:
            raise NESTError(f"{what}: {param!r}: {why}")

    if param.name == "uniform":
        need(p["max"] > p["min"], "max must be greater than min")
        return rng.uniform(p["min"], p["max"], n)
    if param.name == "uniform_int":
        need(p["max"] >= 1 and p["max"].is_integer(), "max must be a whole number >= 1")
        return rng.integers(0, int(p["max"]), n).astype(float)
    if param.name in ("normal", "lognormal", "normal_clipped"):
        need(p["std"] > 0, "std must be positive")
    if param.name == "normal":
        return rng.normal(p["mean"], p["std"], n)
    if param.name == "lognormal":
        return rng.lognormal(p["mean"], p["std"], n)
    if param.name == "exponential":
        need(p["beta"] > 0, "beta must be positive")
        return rng.exponential(p["beta"], n)
    need(param.name == "normal_clipped", "cannot be drawn")
    need(p["max"] > p["min"], "max must be greater than min")
    values = rng.normal(p["mean"], p["std"], n)
    for _ in range(MAX_REDRAWS):
        outside = (values < p["min"]) | (values > p["max"])
        if not outside.any():
            return values
        values[outside] = rng.normal(p["mean"], p["std"], int(outside.sum()))
    raise NESTError(f"{what}: {param!r}: still outside [min, max] after {MAX_REDRAWS} redraws")


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
