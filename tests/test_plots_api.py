"""mf.plots re-exports each chapter submodule's figures: every name once, each the submodule's own."""

import mfnet_lite as mf


def test_no_two_chapters_export_the_same_figure_name():
    names = [n for m in mf.plots._CHAPTERS for n in m.__all__]
    duplicated = {n for n in names if names.count(n) > 1}
    assert not duplicated, f"two plots submodules export {duplicated}: rename one"


def test_every_exported_name_is_the_submodules_object():
    for module in mf.plots._CHAPTERS:
        for name in module.__all__:
            assert getattr(mf.plots, name) is getattr(module, name)
