"""Reference values for the analytics statistics, computed independently with SciPy/statsmodels.

Run from this folder: `python3 reference.py > reference.json` (needs `pip install scipy
statsmodels`). The TypeScript tests compare against the committed reference.json, so CI needs
neither. Bayesian values use adaptive quadrature (scipy.integrate.quad) and brentq on the exact
posteriors, not the grid the TypeScript code uses.
"""
import json
import math

import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.power import tt_ind_solve_power

ALPHA = 0.05

# (name, metric, variation arm, baseline arm); conversion arms are (users, conversions),
# numeric arms are (n, mean, sample variance).
LIFT_CASES = [
    ("equal-arms-conversion", "conversion", (1000, 100), (1000, 100)),
    ("clear-winner-conversion", "conversion", (1000, 150), (1000, 100)),
    ("clear-loser-conversion", "conversion", (5000, 400), (5000, 500)),
    ("numeric-small-lift", "numeric", (50, 10.8, 4.0), (60, 10.0, 5.0)),
    ("numeric-large-sample", "numeric", (20000, 3.05, 9.0), (20000, 3.0, 9.0)),
    ("tiny-samples-numeric", "numeric", (3, 5.0, 1.0), (4, 4.0, 2.0)),
    ("tiny-samples-conversion", "conversion", (8, 3), (9, 2)),
    ("three-arm-b", "conversion", (2000, 260), (2000, 200)),
    ("three-arm-c", "conversion", (2000, 190), (2000, 200)),
]

REQUIRED_CASES = [0.05, 0.1, 0.2, 0.5, 0.8, 1.0, 1.5, 2.5]

SRM_CASES = [
    ("balanced", [5000, 5040], [0.5, 0.5]),
    ("mismatch", [5000, 5400], [0.5, 0.5]),
    ("three-arm-unequal", [2000, 1010, 985], [0.5, 0.25, 0.25]),
    ("three-arm-mismatch", [2000, 900, 1100], [2, 1, 1]),
]


def summary(metric, arm):
    if metric == "conversion":
        n, c = arm
        p = c / n
        return n, p, p * (1 - p)
    return arm


def welch_lift(v, b, alpha):
    nv, mv, vv = v
    nb, mb, vb = b
    lift = (mv - mb) / mb
    se = math.sqrt(vv / (nv * mb**2) + vb * mv**2 / (nb * mb**4))
    a, c = vv / nv, vb / nb
    df = (a + c) ** 2 / (a**2 / (nv - 1) + c**2 / (nb - 1))
    t = lift / se
    p = 2 * stats.t.sf(abs(t), df)
    margin = stats.t.ppf(1 - alpha / 2, df) * se
    return {"relativeLift": lift, "standardError": se, "degreesOfFreedom": df,
            "pValue": p, "ciLower": lift - margin, "ciUpper": lift + margin}


def posterior(metric, arm):
    if metric == "conversion":
        n, c = arm
        return stats.beta(1 + c, 1 + n - c)
    n, m, var = arm
    return stats.norm(m, math.sqrt(var / n))


def bayes(metric, v_arm, b_arm, alpha):
    pv, pb = posterior(metric, v_arm), posterior(metric, b_arm)
    lo, hi = pb.ppf(1e-12), pb.ppf(1 - 1e-12)
    opts = dict(limit=500, epsabs=1e-13, epsrel=1e-11)
    chance = integrate.quad(lambda y: pb.pdf(y) * pv.sf(y), lo, hi, **opts)[0]

    def ratio_cdf(r):
        return integrate.quad(lambda y: pb.pdf(y) * pv.cdf(r * y), lo, hi, **opts)[0]

    center = pv.mean() / pb.mean()

    def quantile(q):
        return optimize.brentq(lambda r: ratio_cdf(r) - q, center * 0.2 - 1, center * 5 + 1,
                               xtol=1e-13)

    return {"chanceToBeatBaseline": chance,
            "liftLower": quantile(alpha / 2) - 1, "liftUpper": quantile(1 - alpha / 2) - 1}


def required(v, b, alpha):
    pooled = math.sqrt((v[2] + b[2]) / 2)
    d = (v[1] - b[1]) / pooled
    if d == 0:
        return 0
    return math.ceil(tt_ind_solve_power(effect_size=abs(d), alpha=alpha, power=0.8, ratio=1,
                                        alternative="two-sided"))


out = {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "alpha": ALPHA,
       "lift": [], "requiredUsersForEffect": [], "srm": []}
for name, metric, v_arm, b_arm in LIFT_CASES:
    v, b = summary(metric, v_arm), summary(metric, b_arm)
    out["lift"].append({
        "name": name, "metric": metric, "variation": list(v_arm), "baseline": list(b_arm),
        "welch": welch_lift(v, b, ALPHA), "bayes": bayes(metric, v_arm, b_arm, ALPHA),
        "bayesLowerIsBetterChance": 1 - bayes(metric, v_arm, b_arm, ALPHA)["chanceToBeatBaseline"],
        "requiredUsers": required(v, b, ALPHA),
    })
for d in REQUIRED_CASES:
    n = tt_ind_solve_power(effect_size=d, alpha=ALPHA, power=0.8, ratio=1, alternative="two-sided")
    out["requiredUsersForEffect"].append({"d": d, "nobs": n, "required": math.ceil(n)})
for name, observed, weights in SRM_CASES:
    total = sum(observed)
    expected = [total * w / sum(weights) for w in weights]
    chi2, p = stats.chisquare(observed, expected)
    out["srm"].append({"name": name, "observed": observed, "weights": weights,
                       "chiSquare": chi2, "degreesOfFreedom": len(observed) - 1, "pValue": p})

print(json.dumps(out, indent=2))
