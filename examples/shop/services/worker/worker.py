import time

while True:
    print("processing queue", flush=True)
    time.sleep(30)
