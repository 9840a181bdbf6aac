"""Stable Diffusion's parts next to week 7's miniature, with their real sizes, and a drawing of both.

:data:`STABLE_DIFFUSION_15` lists SD 1.5's parts (the sizes of the released
``runwayml/stable-diffusion-v1-5`` weights, as ``diffusers`` counts them);
:func:`miniature_parts` counts the same parts of a
:class:`~.latent.LatentDigitDiffusion`; :func:`draw_pipelines` draws each as a
row of boxes in the order of generation (prompt encoder, UNet on latents, VAE decoder, image).
"""

from __future__ import annotations

__all__ = ["STABLE_DIFFUSION_15", "miniature_parts", "draw_pipelines"]

STABLE_DIFFUSION_15 = {
    "name": "Stable Diffusion 1.5",
    "image": "3x512x512",
    "latent": "4x64x64 (8x down)",
    "prompt": "CLIP ViT-L/14 text encoder\n123M; 77 tokens x 768",
    "vae": "AutoencoderKL, 83.7M in all\n(decoder 49.5M; scaling 0.18215)",
    "unet": "UNet, 860M\nwidths 320/640/1280/1280\ncross-attention to the prompt",
}


def _count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def _millions(n: int) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e5 else f"{n:,}"


def miniature_parts(pipeline) -> dict[str, str]:
    """The parts of a :class:`~.latent.LatentDigitDiffusion`, described like :data:`STABLE_DIFFUSION_15`."""
    for needed in ("vae", "net", "sample_shape"):
        if not hasattr(pipeline, needed):
            raise TypeError(f"pipeline must be a LatentDigitDiffusion (no {needed!r})")
    net, vae = pipeline.net, pipeline.vae
    latent = "x".join(str(s) for s in pipeline.sample_shape)
    widths = "/".join(str(m.out_channels) for m in (net.conv_in, net.down2.conv1, net.mid1.conv1))
    return {
        "name": "coursekit ldm (week 7)",
        "image": "1x28x28",
        "latent": f"{latent} ({28 // pipeline.sample_shape[-1]}x down)",
        "prompt": f"class embedding table\n{_count(net.class_emb):,}; 10 digits + empty prompt",
        "vae": f"SpatialVAE, {_millions(_count(vae))} in all\n(decoder {_millions(_count(vae.decoder))}; "
               f"scaling {float(vae.scaling_factor):.3f})",
        "unet": f"UNet, {_millions(_count(net))}\nwidths {widths}\nclass embedding added to t's",
    }


_STAGES = (("prompt", "prompt encoder"), ("unet", "latent denoiser (x steps)"), ("latent", "final latent"),
           ("vae", "VAE decoder"), ("image", "image"))  # generation, left to right; the VAE encoder only trains


def draw_pipelines(rows: list[dict[str, str]], ax=None):
    """Draw each description (keys as in :data:`STABLE_DIFFUSION_15`) as a row of labelled boxes; returns the axes."""
    import matplotlib.pyplot as plt

    if not rows or not all(isinstance(r, dict) and {k for k, _ in _STAGES} | {"name"} <= set(r) for r in rows):
        raise ValueError("rows must be dicts with the keys of STABLE_DIFFUSION_15")
    if ax is None:
        _, ax = plt.subplots(figsize=(13, 2.3 * len(rows)))
    colors = {"prompt": "#f4d6a0", "vae": "#b9d7ea", "latent": "#dddddd", "unet": "#c7e3b8", "image": "#eeeeee"}
    width, gap = 2.3, 0.35
    for r, row in enumerate(rows):
        y = -r * 2.2
        ax.text(0, y + 0.75, row["name"], fontsize=12, va="bottom")
        for i, (key, title) in enumerate(_STAGES):
            x = i * (width + gap)
            ax.add_patch(plt.Rectangle((x, y - 0.6), width, 1.2, facecolor=colors[key], edgecolor="#555555"))
            ax.text(x + width / 2, y + 0.32, title, ha="center", va="center", fontsize=9.5)
            ax.text(x + width / 2, y - 0.2, row[key], ha="center", va="center", fontsize=7.5)
            if i:
                ax.annotate("", xy=(x, y), xytext=(x - gap, y), arrowprops={"arrowstyle": "->", "color": "#333333"})
    ax.set_xlim(-0.2, len(_STAGES) * (width + gap))
    ax.set_ylim(-(len(rows) - 1) * 2.2 - 0.9, 1.3)
    ax.axis("off")
    return ax
