# The material's final scheme, server side (最终方案, 服务端), transcribed.
# Changed from the material: the port, the file and its description come from the command
# line (port 0 lets the system pick one), the server prints where it listens so that a test
# can find it, and the header's name is the file's own name.
# Run: python3 file_server.py 8080 path/to/file ["a line about the file"]
import json
import os.path
import socket
import struct
import sys

port = int(sys.argv[1])
path = sys.argv[2]
desc = sys.argv[3] if len(sys.argv) > 3 else 'sent by the material\'s server'

server = socket.socket()
server.bind(('127.0.0.1', port))
server.listen(5)
print('listening on 127.0.0.1:%d' % server.getsockname()[1], flush=True)
sock, addr = server.accept()
data_dict = {
    'file_name': os.path.basename(path),
    'file_desc': desc,
    'file_size': os.path.getsize(path)
}
dict_json_str = json.dumps(data_dict)
dict_bytes = dict_json_str.encode('utf8')
# 'i' is the machine's native order: little-endian on x86 and ARM.
dict_pack_header = struct.pack('i', len(dict_bytes))
sock.send(dict_pack_header)
sock.send(dict_bytes)
with open(path, 'rb') as f:
    for line in f:
        sock.send(line)
