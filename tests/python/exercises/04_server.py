# Lesson 04's exercise, the server: accept one client, read recv(5) three times, print each as
# Python prints bytes (b'12345'), and stop early if the client has closed.
import os
import socket

server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
conn, addr = server.accept()
for _ in range(3):
    data = conn.recv(5)
    if len(data) == 0:
        break
    print(data)
conn.close()
server.close()
