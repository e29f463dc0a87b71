"""The state-land domain (国有土地, public interest): transfer fees unpaid or paid late without the
late fee (出让金欠缴), idle land neither charged nor taken back (闲置土地), and land penalties never
enforced (裁而不执), from the natural-resources bureau's and the non-tax revenue system's exports."""
