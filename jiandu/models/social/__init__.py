"""The social-security and sentence domain (社保、刑罚执行, issue 16 §3): pensions and subsidies
paid after death or during imprisonment (死亡/服刑期间冒领), community correction never joined
or left without leave (社区矫正脱管漏管), and property penalties unpaid by convicts who can pay
(财产刑未执行), with a roll-up per county and agency for the procuratorial suggestion.

Every person is joined on the normalised ID key column of each table (``ssn``, ``person_key``;
exit-entry records through ``passports.doc_no``), never on parts of an ID number, so the models
run unchanged on pseudonymised sources."""
