# A server built from the material's struct section (解决黏包问题): the four steps of its 思路,
# with the receiving side of its 最终方案 (recv(4), struct.unpack, then recv of that length).
# It reads frames until the client closes, where the material reads one, and prints each
# message. Like the material, it makes one recv for each part: on one machine a small frame
# arrives whole, but a real program loops until it has all the bytes it asked for.
# It prints each message raw, as the material does: a control character a peer sends acts on
# the terminal here, where our server shows it escaped. Face it only with peers you trust.
# The port comes from the command line (0 lets the system pick one), and the server prints
# where it listens, so that a test can find it.
# Run: python3 struct_server.py 8080
import socket
import struct
import sys

server = socket.socket()
server.bind(('127.0.0.1', int(sys.argv[1])))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1], flush=True)
conn, addr = server.accept()
while True:
    header = conn.recv(4)
    if len(header) == 0:
        break
    data_len = struct.unpack('i', header)[0]
    data = conn.recv(data_len)
    print(data.decode('utf8'))
conn.close()
server.close()
