"""CLIP text transformer (transformers 4.38 CLIPTextModel numerics, `text_model.` key names).

Config keys used (text_encoder/config.json): vocab_size, hidden_size, intermediate_size,
num_hidden_layers, num_attention_heads, max_position_embeddings, layer_norm_eps, hidden_act.
Output: last hidden state after final_layer_norm; causal self-attention, no padding mask
(as IC-Light calls it). position_ids is not a parameter here (transformers keeps it as a buffer).
"""
import torch
import torch.nn.functional as F
from torch import nn


class ClipAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = float(dim // heads) ** -0.5
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, dim = x.shape
        d = dim // self.heads
        return x.view(b, n, self.heads, d).transpose(1, 2).reshape(b * self.heads, n, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, dim = x.shape
        q = self._split(self.q_proj(x) * self.scale)
        k = self._split(self.k_proj(x))
        v = self._split(self.v_proj(x))
        weights = torch.softmax(torch.bmm(q, k.transpose(1, 2)) + mask, dim=-1)
        out = torch.bmm(weights, v).view(b, self.heads, n, dim // self.heads)
        return self.out_proj(out.transpose(1, 2).reshape(b, n, dim))


class ClipMlp(nn.Module):
    def __init__(self, dim: int, inner: int, quick_gelu: bool):
        super().__init__()
        self.quick_gelu = quick_gelu
        self.fc1 = nn.Linear(dim, inner)
        self.fc2 = nn.Linear(inner, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = x * torch.sigmoid(1.702 * x) if self.quick_gelu else F.gelu(x)
        return self.fc2(x)


class ClipEncoderLayer(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        dim, eps = cfg["hidden_size"], cfg["layer_norm_eps"]
        self.self_attn = ClipAttention(dim, cfg["num_attention_heads"])
        self.layer_norm1 = nn.LayerNorm(dim, eps=eps)
        self.mlp = ClipMlp(dim, cfg["intermediate_size"], cfg["hidden_act"] == "quick_gelu")
        self.layer_norm2 = nn.LayerNorm(dim, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipEncoder(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.layers = nn.ModuleList([ClipEncoderLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        return x


class ClipEmbeddings(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.position_embedding = nn.Embedding(cfg["max_position_embeddings"], cfg["hidden_size"])

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.token_embedding(ids) + self.position_embedding.weight[:ids.shape[1]][None]


class ClipTextTransformer(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.embeddings = ClipEmbeddings(cfg)
        self.encoder = ClipEncoder(cfg)
        self.final_layer_norm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        n = ids.shape[1]
        x = self.embeddings(ids)
        upper = torch.ones([n, n], dtype=torch.bool, device=x.device).triu(1)
        mask = torch.zeros([n, n], dtype=x.dtype, device=x.device)
        mask = mask.masked_fill(upper, float("-inf"))[None]
        return self.final_layer_norm(self.encoder(x, mask))


class ClipTextModel(nn.Module):
    """forward(ids int64 [B, n<=77]) -> last hidden state [B, n, hidden]."""

    def __init__(self, cfg: dict):
        super().__init__()
        self.text_model = ClipTextTransformer(cfg)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.text_model(ids)
