-- Build data as the original writes it (table of 4a5bef3702b): two
-- collections of one generator for n1, the later one the latest.
INSERT INTO build_data (node_name, task_id, collected_date, generator, data_format, data_element) VALUES
('n1', decode('0a00000000004000800000000000000a', 'hex'), '2018-03-01 10:05:00', 'lshw', 'text/plain', 'n1 lshw first'),
('n1', decode('0a00000000004000800000000000000a', 'hex'), '2018-03-01 11:05:00', 'lshw', 'text/plain', 'n1 lshw latest'),
('n2', decode('0b00000000004000800000000000000b', 'hex'), '2018-03-01 10:10:00', 'lldp', 'application/json', '{"port": 1}');
