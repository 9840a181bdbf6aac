"""The course's networks, one readable file per model (plain ``torch.nn.Module`` s)."""
