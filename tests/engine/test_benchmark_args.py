"""The cost benchmark refuses arguments it cannot measure with, before loading the VM."""

import pytest

from conftest import load_benchmark

@pytest.mark.parametrize("argv,says", [
    (["--heap-minutes", "1"], "fewer than 6 heap readings"),
    (["--heap-minutes", "0"], "use at least 2.0"),
    (["--seconds", "0"], "--seconds must be above 0"),
    (["--layouts", "0"], "--layouts must be within 1..33"),
])
def test_mpy_cost_names_the_bad_argument(argv, says, capsys):
    with pytest.raises(SystemExit) as exc:
        load_benchmark("mpy_cost").main(argv)
    assert exc.value.code == 2
    assert says in capsys.readouterr().err
