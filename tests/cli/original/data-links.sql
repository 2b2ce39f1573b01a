-- result_links as the original writes it (column of 4713e7ebca9).
UPDATE tasks SET result_links = '{"detail_logs": ["http://logs.example/a1", "http://logs.example/a2"]}'
 WHERE task_id = decode('0a00000000004000800000000000000a', 'hex');
