print("hogwild-rl")
