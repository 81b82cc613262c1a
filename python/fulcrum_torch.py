"""fulcrum checkpoints as PyTorch modules: the model, its standardisation and
its decisions, computed as `fulcrum predict` computes them.

Needs torch and numpy only (the checkpoint is read by fulcrum_safetensors.py,
next to this file).

    import torch
    from fulcrum_torch import load_checkpoint

    checkpoint = load_checkpoint("runs/quickstart/best.safetensors")
    x = torch.randn(4, len(checkpoint.feature_names))  # raw features, in this order
    logits = checkpoint.model(x)             # {head name: logits [N, K]}; scaler applied
    probabilities = checkpoint.probabilities(x)  # recalibrated, as `fulcrum predict`
    decisions = checkpoint.decisions(x)      # multilabel 0/1 [N, L]; multiclass index [N]
    columns = checkpoint.predict(x)          # the columns of `fulcrum predict`'s CSV

`checkpoint.model` is a plain torch.nn.Module with fulcrum's parameter names
(backbone.0.weight, heads.NAME.bias, ...): a Sequential backbone of Linear,
activation (and Dropout) layers, and one Linear per head in a ModuleDict. Its
forward fills missing values (NaN) with the imputation stored in the
checkpoint (buffer `imputer_fill`, when the run imputed: data.missing), then
standardises raw features with the scaler stored in the checkpoint (buffers
`scaler_mean` and `scaler_scale`); none of them is part of the state dict.

The one decision rule (the same as `fulcrum predict`): a decision is read off
the probability written next to it. A multilabel label is 1 when its
probability >= `decision_thresholds(raw)[head][label]`: the run's threshold t
(tuned or not) when the head reports sigmoid(z), and
sigmoid(logit(t) - log(pos_weight)) when it reports a probability recalibrated
for pos_weight, so the decisions are the trained model's either way. A
multiclass decision is the class with the largest reported probability.
"""

import json
import math
from collections import OrderedDict

import numpy as np
import torch

from fulcrum_safetensors import load_file

__all__ = ["FulcrumModule", "Checkpoint", "load_checkpoint", "parse_fulcrum_yaml"]

_ACTIVATIONS = {
    "relu": torch.nn.ReLU,
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
    "gelu": torch.nn.GELU,  # the exact (erf) form, as fulcrum's
    "tanh": torch.nn.Tanh,
    "sigmoid": torch.nn.Sigmoid,
    "identity": torch.nn.Identity,
}


def _scalar(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("~", "null", "Null", "NULL", ""):
        return None
    if text in ("true", "false"):
        return text == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _flow_items(text):
    """The items of a one-line flow list's inside, commas in quotes kept."""
    items, current, quote = [], "", None
    for c in text:
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == ",":
            items.append(current)
            current = ""
            continue
        current += c
    if current.strip() or items:
        items.append(current)
    return items


def parse_fulcrum_yaml(text):
    """The YAML fulcrum writes into checkpoints (block mappings of scalars and
    one-line [flow, lists]) as nested dicts, without a YAML package."""
    root = {}
    stack = [(-1, root)]
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        key, _, value = line.strip().partition(":")
        key = _scalar(key)
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        value = value.strip()
        if not value:
            parent[key] = {}
            stack.append((indent, parent[key]))
        elif value.startswith("[") and value.endswith("]"):
            parent[key] = [_scalar(item) for item in _flow_items(value[1:-1])]
        elif value == "{}":
            parent[key] = {}
        else:
            parent[key] = _scalar(value)
    return root


class FulcrumModule(torch.nn.Module):
    """Raw features [N, F] -> {head name: logits [N, K]}: the stored
    imputation and scaler, then the backbone, then every head on the
    backbone's output."""

    def __init__(self, features, sizes, activation, dropout, heads, mean=None, scale=None,
                 fill=None):
        super().__init__()
        layers, width = [], features
        for size in sizes:
            layers.append(torch.nn.Linear(width, size))
            layers.append(_ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(torch.nn.Dropout(dropout))
            width = size
        self.backbone = torch.nn.Sequential(*layers)
        self.heads = torch.nn.ModuleDict(
            OrderedDict((name, torch.nn.Linear(width, outputs)) for name, outputs in heads))
        standardize = mean is not None and len(mean) > 0
        self.register_buffer("scaler_mean", torch.tensor(np.asarray(mean, dtype=np.float32))
                             if standardize else None, persistent=False)
        self.register_buffer("scaler_scale", torch.tensor(np.asarray(scale, dtype=np.float32))
                             if standardize else None, persistent=False)
        impute = fill is not None and len(fill) > 0
        self.register_buffer("imputer_fill", torch.tensor(np.asarray(fill, dtype=np.float32))
                             if impute else None, persistent=False)

    def impute(self, x):
        if self.imputer_fill is None:
            return x
        return torch.where(torch.isnan(x), self.imputer_fill, x)

    def standardize(self, x):
        if self.scaler_mean is None:
            return x
        return (x - self.scaler_mean) / self.scaler_scale

    def forward(self, x):
        hidden = self.backbone(self.standardize(self.impute(x)))
        return OrderedDict((name, head(hidden)) for name, head in self.heads.items())


def _positive(values):
    """Weights as fulcrum recalibrates with them: float32, those <= 0 or not
    finite replaced by 1 (no log shift can undo them)."""
    w = np.asarray(values, dtype=np.float32)
    return np.where(np.isfinite(w) & (w > 0), w, np.float32(1)).astype(np.float32)


class Head:
    """One head as the checkpoint describes it: name, kind ("multilabel" or
    "multiclass"), labels (classes), thresholds (multilabel), and the loss
    weights that recalibration undoes."""

    def __init__(self, card, loss_kind):
        self.name = card["name"]
        self.kind = card["kind"]
        self.labels = list(card["labels"])
        self.thresholds = [float(t) for t in card["thresholds"]]
        self.weight = list(card["weight"])
        self.pos_weight = list(card["pos_weight"])
        self.loss_kind = loss_kind

    @property
    def multiclass(self):
        return self.kind == "multiclass"

    def shift(self):
        """log of the weights the trained logits are shifted by, or None."""
        if self.loss_kind == "cross_entropy" and self.weight:
            return np.log(_positive(self.weight).astype(np.float64))
        if self.loss_kind == "bce" and self.pos_weight:
            return np.log(_positive(self.pos_weight).astype(np.float64))
        return None


class Checkpoint:
    """A loaded checkpoint: `model` (FulcrumModule in eval mode), `feature_names`,
    `heads` (Head objects in output order), `config` (the run's config as a
    dict, or None) and the prediction helpers below. Every helper takes raw
    features: a torch tensor or anything numpy reads, [N, F]."""

    def __init__(self, model, feature_names, heads, config):
        self.model = model
        self.feature_names = feature_names
        self.heads = heads
        self.config = config

    def _input(self, x):
        x = torch.as_tensor(np.asarray(x, dtype=np.float32) if not torch.is_tensor(x) else x,
                            dtype=torch.float32)
        if x.dim() != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(f"features must be [N, {len(self.feature_names)}] (the model's "
                             f"features), got {list(x.shape)}")
        return x

    @torch.no_grad()
    def logits(self, x):
        """{head name: raw logits [N, K]}."""
        self.model.eval()
        return self.model(self._input(x))

    def _reported(self, head, z, raw):
        shift = None if raw else head.shift()
        if shift is not None:
            z = (z.double() - torch.from_numpy(shift)).float()
        return torch.softmax(z, dim=1) if head.multiclass else torch.sigmoid(z)

    @torch.no_grad()
    def probabilities(self, x, raw=False):
        """{head name: probabilities [N, K]}: recalibrated for pos_weight (bce)
        or class weights (cross_entropy) unless raw, as `fulcrum predict`."""
        logits = self.logits(x)
        return OrderedDict((h.name, self._reported(h, logits[h.name], raw)) for h in self.heads)

    def decision_thresholds(self, raw=False):
        """{multilabel head name: float32 thresholds [L]} on the scale of
        probabilities(x, raw)."""
        out = OrderedDict()
        for head in self.heads:
            if head.multiclass:
                continue
            stored = np.asarray(head.thresholds, dtype=np.float32)
            shift = None if raw else head.shift()
            if shift is None:
                out[head.name] = torch.from_numpy(stored)
                continue
            inside = (stored > 0) & (stored < 1)
            logit = np.array([math.log(t / (1 - t)) if 0 < t < 1 else 0.0
                              for t in head.thresholds]).astype(np.float32)
            shifted = (logit.astype(np.float64) - shift).astype(np.float32)
            converted = torch.sigmoid(torch.from_numpy(shifted)).numpy()
            out[head.name] = torch.from_numpy(np.where(inside, converted, stored))
        return out

    @torch.no_grad()
    def decisions(self, x, raw=False):
        """{head name: decisions}: multilabel 0/1 [N, L] (probability >=
        threshold), multiclass class indices [N] (largest probability)."""
        probabilities = self.probabilities(x, raw)
        thresholds = self.decision_thresholds(raw)
        out = OrderedDict()
        for head in self.heads:
            p = probabilities[head.name]
            if head.multiclass:
                out[head.name] = torch.argmax(p, dim=1)
            else:
                out[head.name] = (p >= thresholds[head.name]).to(torch.int64)
        return out

    @torch.no_grad()
    def predict(self, x, raw=False, logits=False):
        """The columns of `fulcrum predict`'s CSV, in its order, as
        {column name: list}: HEAD.LABEL probabilities, HEAD.LABEL.pred (0/1)
        or HEAD.pred (class name), and with logits HEAD.LABEL.logit."""
        z = self.logits(x)
        probabilities = self.probabilities(x, raw)
        decisions = self.decisions(x, raw)
        columns = OrderedDict()
        for head in self.heads:
            p, d = probabilities[head.name], decisions[head.name]
            for c, label in enumerate(head.labels):
                columns[f"{head.name}.{label}"] = p[:, c].tolist()
            if head.multiclass:
                columns[f"{head.name}.pred"] = [head.labels[i] for i in d.tolist()]
            else:
                for c, label in enumerate(head.labels):
                    columns[f"{head.name}.{label}.pred"] = d[:, c].tolist()
            if logits:
                for c, label in enumerate(head.labels):
                    columns[f"{head.name}.{label}.logit"] = z[head.name][:, c].tolist()
        return columns


def load_checkpoint(path):
    """Loads a fulcrum checkpoint (runs/NAME/best.safetensors or
    last.safetensors): builds the model its metadata describes, loads the
    weights (every tensor, strictly) and returns a Checkpoint. Raises
    ValueError for a file without fulcrum's metadata."""
    tensors, metadata = load_file(path)
    for key in ("features", "heads", "scaler.mean", "scaler.scale"):
        if key not in metadata:
            raise ValueError(f"{path}: no '{key}' in the metadata: not a checkpoint written by "
                             "the fulcrum trainer")
    config = parse_fulcrum_yaml(metadata["config"]) if "config" in metadata else None
    model_section = (parse_fulcrum_yaml(metadata["model"]) if "model" in metadata
                     else (config or {}).get("model"))
    if not model_section:
        raise ValueError(f"{path}: the metadata does not describe the model")
    backbone = model_section.get("backbone") or {}
    head_configs = model_section.get("heads") or {}
    feature_names = json.loads(metadata["features"])
    heads = []
    for card in json.loads(metadata["heads"]):
        loss = (head_configs.get(card["name"]) or {}).get("loss") or {}
        default = "cross_entropy" if card["kind"] == "multiclass" else "bce"
        heads.append(Head(card, loss.get("kind") or default))
    model = FulcrumModule(
        features=len(feature_names),
        sizes=[int(s) for s in backbone.get("sizes") or []],
        activation=backbone.get("activation") or "relu",
        dropout=float(backbone.get("dropout") or 0.0),
        heads=[(h.name, len(h.labels)) for h in heads],
        mean=json.loads(metadata["scaler.mean"]),
        scale=json.loads(metadata["scaler.scale"]),
        fill=json.loads(metadata.get("imputer.fill", "[]")))
    state = {name: torch.from_numpy(array) for name, array in tensors.items()}
    model.load_state_dict(state, strict=True)
    model.eval()
    return Checkpoint(model, feature_names, heads, config)
