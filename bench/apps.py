from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmarks' own commands (bench_sync) and the emulator login they share with the tests: installed
    by the dev settings only, beside the emulator they drive."""

    name = "bench"
    verbose_name = "Benchmarks"
