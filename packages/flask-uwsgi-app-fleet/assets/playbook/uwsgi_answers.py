"""Exits 0 once the app answers a real uwsgi request for / on 127.0.0.1:PORT, 1 if it has not after ATTEMPTS.

A uwsgi request is a 4-byte header (modifier1 0: a WSGI request; the size of the variables,
little-endian; modifier2 0) and the CGI variables, each as a 2-byte little-endian length and
bytes: https://uwsgi-docs.readthedocs.io/en/latest/Protocol.html. The answer is the app's HTTP
response; any status line below 500 means that uWSGI loaded the app and the app served.
"""
import socket
import struct
import sys
import time


def request(port):
    variables = {
        'REQUEST_METHOD': 'GET', 'REQUEST_URI': '/', 'PATH_INFO': '/', 'QUERY_STRING': '',
        'SERVER_PROTOCOL': 'HTTP/1.1', 'SERVER_NAME': 'localhost', 'SERVER_PORT': str(port),
        'HTTP_HOST': 'localhost', 'REMOTE_ADDR': '127.0.0.1',
    }
    body = b''.join(struct.pack('<H', len(k)) + k.encode() + struct.pack('<H', len(v)) + v.encode() for k, v in variables.items())
    return struct.pack('<BHB', 0, len(body), 0) + body


def status_line(port):
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(request(port))
        answer = b''
        while b'\r\n' not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b'\r\n', 1)[0].decode('latin-1')


def main(port, attempts):
    last = ''
    for attempt in range(attempts):
        try:
            line = status_line(port)
            parts = line.split(' ')
            if len(parts) >= 2 and parts[0].startswith('HTTP/') and parts[1].isdigit() and int(parts[1]) < 500:
                print('uWSGI on port %d answers: %s' % (port, line))
                return 0
            last = 'answered %r' % line
        except OSError as e:
            last = str(e)
        if attempt + 1 < attempts:
            time.sleep(1)
    print('uWSGI on port %d did not answer a request for / after %d attempts: %s' % (port, attempts, last), file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 30))
