print("health-bench")
