#!/usr/bin/python3
"""Writes imbalance_losses.json next to this script: golden values for the
imbalance losses and weighting rules, computed with PyTorch in
float64 arithmetic on inputs that are exactly representable in float32
(the format of tests/data/golden/FORMAT.md; see README.md here).

    /usr/bin/python3 tests/data/generated/make_imbalance_golden.py

Deterministic: a fixed seed, so rerunning it reproduces the file exactly
(with the same PyTorch version).

The references, written out here by hand:
- sigmoid_focal_loss: torchvision.ops.sigmoid_focal_loss, line for line.
  torchvision is not installed next to Debian's python3-torch, so its
  function body is copied into `torchvision_sigmoid_focal_loss` below.
- asymmetric_loss: AsymmetricLoss.forward of the official implementation
  (Alibaba-MIIL/ASL, src/loss_functions/losses.py) with the focusing weight
  differentiated (disable_torch_grad_focal_loss=False), line for line except
  one: `xs_neg = 1 - x_sigmoid` is written `torch.sigmoid(-x)`, its exact
  equivalent. In float64, 1 - sigmoid(x) keeps only ~3 significant digits at
  x = 30 (sigmoid(30) = 1 - 9.4e-14), so with clip = 0 the reference's
  log(xs_neg) would be off by ~6e-4 there; the script checks that both forms
  agree wherever that cancellation is harmless (|x| <= 20).
- logit_adjusted_cross_entropy: F.cross_entropy(x + tau * log(priors), ...)
  (Menon et al. 2021, eq. 10); logit_adjust: x - tau * log(priors) (eq. 9).
- effective_number_weight: Cui et al. 2019, the formula of the paper's code:
  w = (1 - beta) / (1 - beta^n), normalised to sum to the number of classes.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20240604)
DTYPE = torch.float64
HERE = os.path.dirname(os.path.abspath(__file__))


def f32(x):
    """Rounds a Python float to the nearest float32, returned as a float64."""
    return float(np.float32(x))


def as_f32_exact(t):
    """A float64 tensor whose values are exactly representable in float32."""
    return t.to(torch.float32).to(DTYPE)


def tensor_json(t):
    if t is None:
        return None
    t = t.detach().to(DTYPE)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def output_and_grad(fn, x):
    """fn(x) and the gradient of sum(fn(x)) with respect to x, in float64."""
    x = x.clone().requires_grad_(True)
    out = fn(x)
    (grad,) = torch.autograd.grad(out.sum(), x)
    return out.detach(), grad


# -- references ------------------------------------------------------------------

def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    # Body of torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py).
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def asl_elementwise(x, y, gamma_neg, gamma_pos, clip, eps, literal=False):
    # AsymmetricLoss.forward of Alibaba-MIIL/ASL, before its final -loss.sum().
    x_sigmoid = torch.sigmoid(x)
    xs_pos = x_sigmoid
    xs_neg = 1 - x_sigmoid if literal else torch.sigmoid(-x)  # see the module docstring
    if clip is not None and clip > 0:
        xs_neg = (xs_neg + clip).clamp(max=1)
    los_pos = y * torch.log(xs_pos.clamp(min=eps))
    los_neg = (1 - y) * torch.log(xs_neg.clamp(min=eps))
    loss = los_pos + los_neg
    if gamma_neg > 0 or gamma_pos > 0:
        pt0 = xs_pos * y
        pt1 = xs_neg * (1 - y)
        pt = pt0 + pt1
        one_sided_gamma = gamma_pos * y + gamma_neg * (1 - y)
        one_sided_w = torch.pow(1 - pt, one_sided_gamma)
        loss = loss * one_sided_w  # the reference's `loss *= ...`, out of place for autograd
    return -loss


def asymmetric_loss(x, y, gamma_neg, gamma_pos, clip, eps, reduction, literal=False):
    return reduce(asl_elementwise(x, y, gamma_neg, gamma_pos, clip, eps, literal), reduction)


def effective_number_weights(counts, beta):
    # Cui et al.'s code: effective_num = 1 - beta^n; weights = (1 - beta) / effective_num;
    # weights = weights / sum(weights) * no_of_classes.
    n = torch.tensor(counts, dtype=DTYPE)
    effective_num = 1.0 - torch.pow(torch.tensor(beta, dtype=DTYPE), n)
    weights = (1.0 - beta) / effective_num
    return weights / weights.sum() * len(counts)


# -- inputs ----------------------------------------------------------------------

SHAPES = [[4], [3, 5], [2, 3, 4], [6, 2], [1, 7]]


def logits(shape, scale=3.0):
    return as_f32_exact(torch.randn(shape, dtype=DTYPE) * scale)


def extreme_logits(shape):
    """Mixes ordinary logits with saturated ones (+-30, +-25, +-20) and 0."""
    x = logits(shape)
    flat = x.view(-1)
    specials = [30.0, -30.0, 25.0, -25.0, 20.0, -20.0, 0.0]
    for i in range(0, flat.numel(), 2):
        flat[i] = specials[(i // 2) % len(specials)]
    return x


def targets(shape, kind):
    if kind == "binary":
        return (torch.rand(shape, dtype=DTYPE) < 0.4).to(DTYPE)
    return as_f32_exact(torch.rand(shape, dtype=DTYPE))  # soft targets in [0, 1)


def near(x, points, margin):
    return any(bool((x - p).abs().min() < margin) for p in points)


def asl_logits(shape, clip, eps, extreme):
    """Logits at least 1e-2 away from the clamps' kinks (where the gradient
    jumps, so a float32 rounding could change the side)."""
    kinks = [math.log(eps / (1 - eps))]
    if clip > 0:
        kinks.append(math.log(clip / (1 - clip)))
    while True:
        x = extreme_logits(shape) if extreme else logits(shape)
        if not near(x, kinks, 1e-2):
            return x


# -- cases -----------------------------------------------------------------------

cases = []


def focal_case(name, x, t, alpha, gamma, reduction):
    out, grad = output_and_grad(
        lambda v: torchvision_sigmoid_focal_loss(v, t, alpha, gamma, reduction), x)
    # Self-check of the reference's own accuracy: the stable form (1 - p_t from
    # sigmoid(-x), no cancellation) agrees to far below the tolerance.
    p, q = torch.sigmoid(x), torch.sigmoid(-x)
    miss = p * (1 - t) + q * t
    stable = F.binary_cross_entropy_with_logits(x, t, reduction="none") * miss ** gamma
    if alpha >= 0:
        stable = stable * (alpha * t + (1 - alpha) * (1 - t))
    assert torch.allclose(reduce(stable, reduction), out, rtol=1e-12, atol=1e-12), name
    cases.append({
        "op": "sigmoid_focal_loss", "name": name,
        "input": tensor_json(x), "target": tensor_json(t),
        "alpha": alpha, "gamma": gamma, "reduction": reduction,
        "expect": {"output": tensor_json(out), "grad_input": tensor_json(grad)},
    })


def asl_case(name, x, y, gamma_pos, gamma_neg, clip, eps, reduction):
    out, grad = output_and_grad(
        lambda v: asymmetric_loss(v, y, gamma_neg, gamma_pos, clip, eps, reduction), x)
    # The literal `1 - sigmoid(x)` agrees wherever its cancellation is harmless.
    mask = x.abs() <= 20
    lit = asl_elementwise(x, y, gamma_neg, gamma_pos, clip, eps, literal=True)
    ours = asl_elementwise(x, y, gamma_neg, gamma_pos, clip, eps)
    assert torch.allclose(lit[mask], ours[mask], rtol=1e-9, atol=1e-12), name
    assert torch.isfinite(out).all() and torch.isfinite(grad).all(), name
    cases.append({
        "op": "asymmetric_loss", "name": name,
        "input": tensor_json(x), "target": tensor_json(y),
        "gamma_pos": gamma_pos, "gamma_neg": gamma_neg, "clip": clip, "eps": eps,
        "reduction": reduction,
        "expect": {"output": tensor_json(out), "grad_input": tensor_json(grad)},
    })


def error_case(op, name, x, t, **params):
    cases.append({"op": op, "name": name, "input": tensor_json(x), "target": tensor_json(t),
                  **params, "expect": {"error": True}})


# Sigmoid focal loss: every alpha x gamma x reduction, shapes and target kinds
# rotating, then saturated logits, non-integer gammas, and refused shapes.
REDUCTIONS = ["none", "mean", "sum"]
k = 0
for alpha in [0.25, -1.0, 0.5]:
    for gamma in [0.0, 1.0, 2.0, 5.0]:
        for reduction in REDUCTIONS:
            shape = SHAPES[k % len(SHAPES)]
            kind = "soft" if k % 3 == 2 else "binary"
            x, t = logits(shape), targets(shape, kind)
            focal_case(f"focal alpha={alpha} gamma={gamma} shape={shape} target={kind} "
                       f"reduction={reduction}", x, t, alpha, gamma, reduction)
            k += 1
for alpha, gamma, kind, reduction in [(0.25, 2.0, "binary", "none"), (-1.0, 5.0, "binary", "none"),
                                      (0.5, 1.0, "soft", "none"), (0.25, 0.0, "soft", "sum"),
                                      (0.25, 2.0, "soft", "mean")]:
    shape = [4, 7]
    x, t = extreme_logits(shape), targets(shape, kind)
    focal_case(f"focal extreme logits alpha={alpha} gamma={gamma} target={kind} "
               f"reduction={reduction}", x, t, alpha, gamma, reduction)
for gamma in [0.5, 1.5]:
    shape = [3, 4]
    x, t = extreme_logits(shape), targets(shape, "soft")
    focal_case(f"focal non-integer gamma={gamma} extreme logits target=soft reduction=none",
               x, t, 0.25, gamma, "none")
error_case("sigmoid_focal_loss", "focal target [1, 3] for input [4, 3]",
           logits([4, 3]), targets([1, 3], "binary"), alpha=0.25, gamma=2.0, reduction="mean")
error_case("sigmoid_focal_loss", "focal target [3] for input [3, 1]",
           logits([3, 1]), targets([3], "binary"), alpha=0.25, gamma=2.0, reduction="none")

# Asymmetric loss. Options: (gamma_pos, gamma_neg, clip). The paper's default,
# the reference class's default (gamma_pos=1), others, clip 0, and all zeros
# (plain BCE). gamma_neg is never in (0, 1): there the reference's autograd gives
# nan for negatives clamped to 1 (0^(gamma-1) * 0), where fulcrum gives 0.
EPS = f32(1e-8)
ASL_OPTIONS = [(0.0, 4.0, f32(0.05)), (1.0, 4.0, f32(0.05)), (0.0, 2.0, f32(0.05)),
               (1.0, 3.0, 0.0), (0.0, 0.0, 0.0), (2.0, 1.0, f32(0.2)), (0.5, 1.5, f32(0.1))]
k = 0
for gamma_pos, gamma_neg, clip in ASL_OPTIONS:
    for reduction in ["sum", "mean", "none"]:
        shape = SHAPES[k % len(SHAPES)]
        x = asl_logits(shape, clip, EPS, extreme=False)
        y = targets(shape, "binary")
        asl_case(f"asl gamma_pos={gamma_pos} gamma_neg={gamma_neg} clip={clip:.3g} "
                 f"shape={shape} reduction={reduction}", x, y, gamma_pos, gamma_neg, clip, EPS,
                 reduction)
        k += 1
for gamma_pos, gamma_neg, clip in ASL_OPTIONS:
    shape = [4, 7]
    x = asl_logits(shape, clip, EPS, extreme=True)
    y = targets(shape, "binary")
    asl_case(f"asl extreme logits gamma_pos={gamma_pos} gamma_neg={gamma_neg} clip={clip:.3g} "
             f"reduction=none", x, y, gamma_pos, gamma_neg, clip, EPS, "none")
    shape = [2, 3, 4]
    x = asl_logits(shape, clip, EPS, extreme=True)
    y = targets(shape, "binary")
    asl_case(f"asl extreme logits gamma_pos={gamma_pos} gamma_neg={gamma_neg} clip={clip:.3g} "
             f"shape={shape} reduction=sum", x, y, gamma_pos, gamma_neg, clip, EPS, "sum")
for gamma_pos, gamma_neg, clip in [(0.0, 4.0, f32(0.05)), (1.0, 3.0, 0.0)]:
    shape = [3, 5]
    x = asl_logits(shape, clip, EPS, extreme=False)
    y = targets(shape, "soft")
    asl_case(f"asl soft targets gamma_pos={gamma_pos} gamma_neg={gamma_neg} clip={clip:.3g} "
             f"reduction=sum", x, y, gamma_pos, gamma_neg, clip, EPS, "sum")
for eps in [f32(1e-3)]:
    shape = [5, 4]
    x = asl_logits(shape, f32(0.05), eps, extreme=True)
    y = targets(shape, "binary")
    asl_case(f"asl eps={eps:.3g} extreme logits reduction=none", x, y, 0.0, 4.0, f32(0.05), eps,
             "none")
error_case("asymmetric_loss", "asl target [2, 1] for input [2, 5]",
           logits([2, 5]), targets([2, 1], "binary"), gamma_pos=0.0, gamma_neg=4.0,
           clip=f32(0.05), eps=EPS, reduction="sum")

# Logit-adjusted cross-entropy (multi-class heads), priors from training counts.


def priors_from(counts):
    c = torch.tensor(counts, dtype=DTYPE)
    return as_f32_exact(c / c.sum())


def lace_case(name, x, target, target_kind, counts, tau, weight=None, ignore_index=-100,
              label_smoothing=0.0, reduction="mean"):
    priors = priors_from(counts)
    shift_shape = [1, len(counts)] + [1] * (x.dim() - 2)
    torch_target = target.long() if target_kind == "index" else target
    out, grad = output_and_grad(
        lambda v: F.cross_entropy(v + tau * torch.log(priors).view(shift_shape), torch_target,
                                  weight=weight, ignore_index=ignore_index,
                                  label_smoothing=label_smoothing, reduction=reduction), x)
    cases.append({
        "op": "logit_adjusted_cross_entropy", "name": name,
        "input": tensor_json(x), "target": tensor_json(target), "target_kind": target_kind,
        "counts": counts, "class_priors": tensor_json(priors), "tau": tau,
        "weight": tensor_json(weight), "ignore_index": ignore_index,
        "label_smoothing": label_smoothing, "reduction": reduction,
        "expect": {"output": tensor_json(out), "grad_input": tensor_json(grad)},
    })


def class_indices(n, classes):
    return torch.randint(0, classes, (n,)).to(DTYPE)


SEED_COUNTS = [600, 550, 200, 100]
for tau in [0.0, 0.5, 1.0, 2.0]:
    for reduction in ["mean", "sum", "none"]:
        x = logits([8, 4], 2.0)
        lace_case(f"la-ce tau={tau} counts={SEED_COUNTS} reduction={reduction}", x,
                  class_indices(8, 4), "index", SEED_COUNTS, tau, reduction=reduction)
x = logits([6, 3], 2.0)
lace_case("la-ce tau=1 with class weights, ignore_index and label smoothing", x,
          torch.tensor([0, 2, -100, 1, 2, 0], dtype=DTYPE), "index", [50, 30, 5], 1.0,
          weight=as_f32_exact(torch.tensor([0.5, 1.0, 3.0], dtype=DTYPE)),
          label_smoothing=f32(0.1))
x = logits([5, 3], 2.0)
probs = as_f32_exact(torch.softmax(torch.randn(5, 3, dtype=DTYPE), dim=1))
lace_case("la-ce tau=1 probability targets", x, probs, "probabilities", [70, 20, 10], 1.0)
x = logits([2, 3, 4], 2.0)
lace_case("la-ce tau=1.5 input [2, 3, 4] index targets [2, 4]", x,
          torch.randint(0, 3, (2, 4)).to(DTYPE), "index", [900, 90, 10], f32(1.5),
          reduction="sum")
x = logits([6, 5], 30.0)
lace_case("la-ce tau=1 large logits", x, class_indices(6, 5), "index", [1000, 100, 10, 5, 1],
          1.0, reduction="none")

# Post-hoc logit adjustment: logits - tau * log(priors), along the class dimension.
for shape, counts, tau in [([4, 3], [500, 80, 20], 1.0), ([3, 4], SEED_COUNTS, f32(0.75))]:
    x = logits(shape, 2.0)
    priors = priors_from(counts)
    cases.append({
        "op": "logit_adjust", "name": f"post-hoc logit adjustment tau={tau} counts={counts}",
        "input": tensor_json(x), "class_priors": tensor_json(priors), "tau": tau,
        "expect": {"output": tensor_json(x - tau * torch.log(priors))},
    })

# Effective-number class weights from counts.
for counts in [SEED_COUNTS, [1, 10, 100, 1000, 10000], [5, 5, 5], [1], [50000, 3],
               [2, 1, 7, 130]]:
    for beta in [0.0, 0.9, 0.99, 0.999, 0.9999]:
        cases.append({
            "op": "effective_number_weight", "name": f"effective number counts={counts} beta={beta}",
            "counts": counts, "beta": beta,
            "expect": {"weights": tensor_json(effective_number_weights(counts, beta))},
        })

golden = {
    "format": "golden-v1",
    "generator": f"PyTorch {torch.__version__} (float64 arithmetic), "
                 "tests/data/generated/make_imbalance_golden.py; torchvision's "
                 "sigmoid_focal_loss and Alibaba-MIIL/ASL's AsymmetricLoss written out in the "
                 "script (torchvision is not installed)",
    "op": "imbalance_losses",
    "cases": cases,
}
path = os.path.join(HERE, "imbalance_losses.json")
with open(path, "w") as f:
    json.dump(golden, f)
    f.write("\n")
counts_by_op = {}
for c in cases:
    counts_by_op[c["op"]] = counts_by_op.get(c["op"], 0) + 1
print(f"wrote {path}: {counts_by_op}")
