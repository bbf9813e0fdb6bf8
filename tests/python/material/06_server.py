# The material, 最终方案, 服务端: as printed, indentation restored. It sends the file
# '04 struct模块.py' (run.py puts the checker's file there) under the name 'xyyyhtl.txt'.
import json
import os.path
import socket
import struct
server = socket.socket()
server.bind(('127.0.0.1', 8080))
server.listen(5)
sock, addr = server.accept()
data_dict = {
    'file_name': 'xyyyhtl.txt',
    'file_desc': 'what fuck',
    'file_size': os.path.getsize(r'04 struct模块.py')
}
dict_json_str = json.dumps(data_dict)
dict_bytes = dict_json_str.encode('utf8')
dict_pack_header = struct.pack('i', len(dict_bytes))
sock.send(dict_pack_header)
sock.send(dict_bytes)
with open(r'04 struct模块.py', 'rb') as f:
    for line in f:
        sock.send(line)
