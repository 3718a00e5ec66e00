"""Parameterised questions: values drawn per student, and answers computed from them.

    variables:
      distance: {min: 4, max: 20, step: 2}      # a number from a range
      mode: {choices: [car, bus, cycle]}        # one of a list
    text: A commuter drives {{distance}} km each way ...
    answer: "=2 * distance * 5"                 # numeric answers may be formulas

A student's values come from a random generator seeded by their attempt (``quizzes.service``),
so the same student sees the same variant on every reload and a tutor sees it too. Formulas are
arithmetic on the variables (``+ - * / ** %``, ``round min max abs sqrt log exp``), evaluated by
walking the parsed expression: no Python is ever run from a course file.
"""
import ast
import math
import operator
import re

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
NAME = re.compile(r"^[A-Za-z]\w*$")  # "_name" is kept for internal variant keys
FUNCTIONS = {"round": round, "min": min, "max": max, "abs": abs, "sqrt": math.sqrt, "log": math.log,
             "exp": math.exp}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
             ast.Pow: operator.pow, ast.Mod: operator.mod, ast.USub: operator.neg, ast.UAdd: operator.pos}


class VariableError(Exception):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


def parse(spec, data=None):
    """``{name: {"choices": [...]}} or {name: {"min", "max", "step"}}`` checked; ``{}`` if none."""
    from .base import ConfigError

    if spec is None:
        return {}
    line = data.line_of("variables") if data is not None and hasattr(data, "line_of") else None
    if not isinstance(spec, dict):
        raise ConfigError("'variables' must map names to {min, max, step} or {choices: [...]}", line)
    checked = {}
    for name, rule in spec.items():
        where = spec.line_of(name) if hasattr(spec, "line_of") else line
        if not isinstance(name, str) or not NAME.match(name) or name in FUNCTIONS:
            raise ConfigError(f"variables: {name!r} is not a usable name (a letter, then letters, digits, _)", where)
        if not isinstance(rule, dict):
            raise ConfigError(f"variables: {name} needs {{min, max, step}} or {{choices: [...]}}", where)
        if "choices" in rule:
            choices = rule["choices"]
            if not isinstance(choices, list) or not choices:
                raise ConfigError(f"variables: {name}: 'choices' must be a non-empty list", where)
            checked[name] = {"choices": list(choices)}
            continue
        try:
            low, high = float(rule["min"]), float(rule["max"])
            step = float(rule.get("step", 1))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"variables: {name} needs numeric 'min' and 'max' (and optional 'step')",
                                where) from None
        if high < low or step <= 0:
            raise ConfigError(f"variables: {name}: need min <= max and step > 0", where)
        checked[name] = {"min": low, "max": high, "step": step}
    return checked


def draw(variables, rng):
    """One value per variable, in declaration order, from ``random.Random`` ``rng``."""
    values = {}
    for name, rule in variables.items():
        if "choices" in rule:
            values[name] = rng.choice(rule["choices"])
        else:
            count = int(round((rule["max"] - rule["min"]) / rule["step"])) + 1
            value = rule["min"] + rng.randrange(count) * rule["step"]
            value = round(value, 10)
            values[name] = int(value) if float(value).is_integer() else value
    return values


def fill(text, variant):
    """``text`` with ``{{name}}`` replaced by the variant's values (unknown names left as they are)."""
    if not variant or "{{" not in text:
        return text

    def value(match):
        name = match.group(1)
        return _show(variant[name]) if name in variant else match.group(0)

    return PLACEHOLDER.sub(value, text)


def is_formula(value):
    return isinstance(value, str) and value.strip().startswith("=")


def evaluate(expression, variant):
    """The value of ``=formula`` (or a plain number) for ``variant``; raises ``VariableError``."""
    if not isinstance(expression, str):
        return expression
    source = expression.strip().lstrip("=").strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise VariableError(f"formula {expression!r} is not valid arithmetic") from None
    return _eval(tree.body, variant, expression)


def check_formula(expression, variables):
    """Raise ``VariableError`` unless ``expression`` evaluates for some value of each variable."""
    sample = {}
    for name, rule in variables.items():
        sample[name] = rule["choices"][0] if "choices" in rule else rule["min"]
    try:
        evaluate(expression, sample)
    except ZeroDivisionError:
        pass  # fine for other values; authors see it in the examples test
    except (TypeError, ValueError, OverflowError) as error:
        raise VariableError(f"formula {expression!r}: {error}") from None


def _eval(node, variant, expression):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in variant:
            raise VariableError(f"formula {expression!r} uses {node.id!r}, which is not a variable")
        return variant[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](_eval(node.left, variant, expression), _eval(node.right, variant, expression))
    if isinstance(node, ast.UnaryOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](_eval(node.operand, variant, expression))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            and not node.keywords):
        args = [_eval(arg, variant, expression) for arg in node.args]
        return FUNCTIONS[node.func.id](*args)
    raise VariableError(f"formula {expression!r} may only use numbers, variables, + - * / ** % "
                        f"and {', '.join(FUNCTIONS)}")


def _show(value):
    if isinstance(value, float):
        # Ten significant digits, as numeric answers show: the text must give the value the formula uses.
        return f"{value:.10g}" if abs(value) < 1e6 else f"{value:,.10g}"
    return str(value)
