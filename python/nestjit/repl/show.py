"""%show MODEL: what nestjit made of an installed model, from Kernel.model_info, the
defaults (GetDefaults) and Kernel::describe_model (units, ODE systems and their solvers)."""
from .._kernel import kernel
from . import _native


def _value(v):
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


def describe(name):
    k = kernel()
    info = k.model_info(name)
    details = _native.describe_model(k, name)
    defaults = k.get_defaults(name)
    units = {v["name"]: v["unit"] for v in details["variables"]}
    lines = [f"{name}: {'synapse' if info.is_synapse else 'neuron'} from {info.source_path or '<source>'}"]
    ports = list(details["spike_ports"])
    if ports:
        lines.append("  spike ports: " + ", ".join(ports))
    if details["receptor_types"]:
        lines.append("  receptor_types: " + ", ".join(f"{p}={r}" for p, r in sorted(
            details["receptor_types"].items(), key=lambda kv: kv[1])))
    if details["continuous_ports"]:
        lines.append("  continuous ports: " + ", ".join(details["continuous_ports"]))

    def table(title, names):
        if not names:
            return
        lines.append(f"  {title}:")
        width = max(len(n) for n in names)
        for n in names:
            unit = units.get(n, "")
            value = _value(defaults[n]) if n in defaults else "?"
            lines.append(f"    {n:<{width}}  {value:>12} {unit}".rstrip())

    table("parameters (default)", list(info.parameters))
    table("state (initial value)", list(info.state))
    if info.recordables:
        lines.append("  recordables: " + ", ".join(info.recordables))
    systems = details["ode_systems"]
    if systems:
        lines.append("  ODE systems:")
        for s in systems:
            lines.append(f"    {', '.join(s['variables'])}: {s['solver']} ({s['why']})")
    else:
        lines.append("  ODE systems: none")
    return "\n".join(lines)


def describe_variables(name, variables):
    """One line per named variable: kind, default, unit (for `%show MODEL V_th ...`)."""
    k = kernel()
    details = {v["name"]: v for v in _native.describe_model(k, name)["variables"]}
    defaults = k.get_defaults(name)
    lines = []
    for v in variables:
        if v not in details:
            known = ", ".join(n for n, d in details.items() if d["kind"] != "internal")
            lines.append(f"{name} has no variable '{v}' (it has: {known})")
            continue
        d = details[v]
        value = _value(defaults[v]) if v in defaults else "(computed)"
        lines.append(f"{name}.{v}: {d['kind']}, default {value} {d['unit']}".rstrip())
    return "\n".join(lines)
