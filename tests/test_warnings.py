"""IEEE events (log(0), 1/0, overflow) give PyTorch's values silently, as in PyTorch."""
import subprocess
import sys


def test_no_runtime_warnings_from_ember_ops_even_under_W_error():
    code = ("import ember, numpy as np\n"
            "x = ember.tensor([0.0, 1.0, -1.0])\n"
            "print(ember.log(x).tolist(), (1 / x).tolist(), ember.exp(ember.tensor([1000.0])).tolist())\n"
            "try:\n    np.log(np.zeros(1))\nexcept RuntimeWarning:\n    print('numpy warns')\n")
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "[-inf, 0.0, nan] [inf, 1.0, -1.0] [inf]"
    assert lines[1] == "numpy warns"  # a user's own NumPy code keeps its warnings
