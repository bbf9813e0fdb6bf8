# The material's sticky-packet client (黏包问题, 客户端), transcribed.
# Changed from the material: the port comes from the command line.
# Run: python3 sticky_client.py 8080
import socket
import sys

client = socket.socket()
client.connect(('127.0.0.1', int(sys.argv[1])))
client.send(b'1234567')
client.send(b'abcde')
client.send(b'hhhhh')
