"""nest.random's distributions, by name. nestjit's Connect cannot draw from them yet and says
so when one is used (rather than using some fixed value instead)."""


class Parameter:
    def __init__(self, name, **params):
        self.name = name
        self.params = params

    def __repr__(self):
        return f"nestjit.random.{self.name}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"


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
