# The material, 最终方案, 客户端: as printed, indentation restored.
import json
import socket
import struct
client = socket.socket()
client.connect(('127.0.0.1', 8080))
dict_header_len = client.recv(4)
dict_real_len = struct.unpack('i', dict_header_len)[0]
dict_data_bytes = client.recv(dict_real_len)
dict_data = json.loads(dict_data_bytes)
print(dict_data)
recv_size = 0
with open(dict_data.get('file_name'), 'wb') as f:
    while recv_size < dict_data.get('file_size'):
        data = client.recv(1024)
        recv_size += len(data)
        f.write(data)
