print("health")
