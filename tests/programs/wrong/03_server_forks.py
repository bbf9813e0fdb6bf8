# Wrong in a way no check sees, on purpose: lesson 03's server (the file given as the first
# argument) that first starts a helper process which would run for a minute. It appends the
# helper's pid to $HELPER_PID_FILE; the test looks for each once `check` has returned: the
# checker must have ended it with the program (a process group on Unix, a job on Windows).
import os
import subprocess
import sys

helper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
with open(os.environ['HELPER_PID_FILE'], 'a') as f:
    f.write('%d\n' % helper.pid)
server = sys.argv[1]
sys.argv = sys.argv[1:]
exec(compile(open(server, encoding='utf8').read(), server, 'exec'))
