"""The water domain (水资源, issue 16 §2): intake without a valid permit (无证取水), water use implied
by output and the industry quota far above the volume billed for the water-resource fee or tax
(超定额低缴), and enterprises of forbidden kinds inside drinking-water source protection zones
(水源保护区违规), from the water bureau's permits, meters and intake-works checks, fee bills and
tax returns, the enterprise register with output, and the zones' polygons."""
