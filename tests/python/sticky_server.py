# The material's sticky-packet server (黏包问题, 服务端), transcribed.
# Changed from the material: the port comes from the command line (0 lets the system pick
# one), and the server prints where it listens, so that a test can find it.
# Run: python3 sticky_server.py 8080
import socket
import sys

server = socket.socket()
server.bind(('127.0.0.1', int(sys.argv[1])))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1], flush=True)
conn, addr = server.accept()
data1 = conn.recv(5)
print(data1)
data2 = conn.recv(5)
print(data2)
data3 = conn.recv(5)
print(data3)
