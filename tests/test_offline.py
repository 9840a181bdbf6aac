"""Nothing reaches the network: the socket guard works, and diffusers builds its models offline from configs."""

import socket

import pytest



def test_the_guard_refuses_a_remote_connection_and_allows_this_machine():
    # (the guard's NetworkAccessError, a RuntimeError: create_connection swallows only OSError)
    with pytest.raises(RuntimeError, match="tests must run offline") as refused:
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1: never routed
    assert type(refused.value).__name__ == "NetworkAccessError"
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s, pytest.raises(RuntimeError, match="offline"):
        s.connect_ex(("2001:db8::1", 80, 0, 0))
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname(), timeout=1):
        pass


def test_hub_is_offline_and_diffusers_builds_from_configs():
    import os

    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, DDPMScheduler, UNet2DModel

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    unet = UNet2DModel(sample_size=32, in_channels=1, out_channels=1, block_out_channels=(32, 64),
                       down_block_types=("DownBlock2D", "AttnDownBlock2D"), up_block_types=("AttnUpBlock2D", "UpBlock2D"),
                       layers_per_block=1, num_class_embeds=11)
    out = unet(torch.zeros(2, 1, 32, 32), torch.tensor([1, 500]), class_labels=torch.tensor([3, 10])).sample
    assert out.shape == (2, 1, 32, 32)
    vae = AutoencoderKL(in_channels=1, out_channels=1, block_out_channels=(32, 64),
                        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
                        latent_channels=4)
    assert 0.6e6 < sum(p.numel() for p in vae.parameters()) < 0.7e6 and vae.config.scaling_factor == 0.18215
    assert vae.encode(torch.zeros(1, 1, 32, 32)).latent_dist.mean.shape == (1, 4, 16, 16)
    ddim = DDIMScheduler(num_train_timesteps=1000)
    ddim.set_timesteps(50)
    assert ddim.timesteps[0] == 980 and DDPMScheduler().config.num_train_timesteps == 1000
    with pytest.raises(OSError, match="config.json"):  # a hub name is not fetched (offline), not even tried
        UNet2DModel.from_pretrained("google/ddpm-cifar10-32")
