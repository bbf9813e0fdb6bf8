# The material's final scheme, client side (最终方案, 客户端), transcribed.
# Changed from the material: the port and the folder to save in come from the command line.
# The material opens the header's file_name as it is, relative to where it runs; here it is
# joined to that folder, which changes nothing for a plain name (and, like the material,
# nothing stops a name such as ../x or /tmp/x: os.path.join keeps an absolute one as is).
# Run: python3 file_client.py 8080 folder
import json
import os.path
import socket
import struct
import sys

port = int(sys.argv[1])
folder = sys.argv[2]

client = socket.socket()
client.connect(('127.0.0.1', port))
dict_header_len = client.recv(4)
dict_real_len = struct.unpack('i', dict_header_len)[0]
dict_data_bytes = client.recv(dict_real_len)
dict_data = json.loads(dict_data_bytes)
print(dict_data)
recv_size = 0
with open(os.path.join(folder, dict_data.get('file_name')), 'wb') as f:
    while recv_size < dict_data.get('file_size'):
        data = client.recv(1024)
        recv_size += len(data)
        f.write(data)
