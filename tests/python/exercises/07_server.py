# Lesson 07's exercise, the server: lesson 06's server, each client on a thread of its own, as
# socketserver.ThreadingTCPServer does: accept, start a thread that sends the header and the
# file, accept the next at once. A client that stalls never holds up another.
import json
import os
import socket
import struct
import sys
import threading

path = sys.argv[1] if len(sys.argv) > 1 else os.environ['FILE']


def handle_client(sock):
    header = {
        'file_name': os.path.basename(path),
        'file_desc': 'sent by the exercise 练习',
        'file_size': os.path.getsize(path),
    }
    header_bytes = json.dumps(header).encode('utf8')
    try:
        sock.sendall(struct.pack('<i', len(header_bytes)))
        sock.sendall(header_bytes)
        with open(path, 'rb') as f:
            for line in f:
                sock.sendall(line)
    except ConnectionError as e:
        print('a client left early: %s' % e)
    sock.close()


server = socket.socket()
server.bind(('127.0.0.1', int(os.environ.get('PORT', '8080'))))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1])
while True:
    sock, addr = server.accept()
    print(addr)
    threading.Thread(target=handle_client, args=(sock,), daemon=True).start()
