-- Rows as the original Drydock writes them into the tables of 9593a123e7c5:
-- 16-byte ids (uuid.bytes), arrays, request_context and extra as JSON
-- strings holding JSON (json.dumps of json.dumps), naive UTC timestamps,
-- 32-byte identity keys, binary ULID action ids. Tasks: A (deploy_nodes,
-- subtasks B and C; C only through A's subtask_id_list), N (a noop health
-- probe), R (left running); messages interleaved in global order, one for a
-- task that does not exist, one over 128 characters, one whose extra is no
-- JSON; A's result_error_count is stale.
INSERT INTO tasks (task_id, parent_task_id, subtask_id_list, result_status, result_message,
    result_reason, result_error_count, result_successes, result_failures, retry, status, created,
    created_by, updated, design_ref, request_context, node_filter, action, terminated,
    terminated_by, terminate) VALUES
(decode('0a00000000004000800000000000000a', 'hex'), NULL,
 ARRAY[decode('0b00000000004000800000000000000b', 'hex'), decode('0c00000000004000800000000000000c', 'hex')],
 'success', 'Deployed', NULL, 7, ARRAY['n1', 'n2']::varchar(32)[], ARRAY[]::varchar(32)[], 0,
 'complete', '2018-03-01 10:00:00', 'shipyard', '2018-03-01 11:30:00',
 'deckhand+http://ops:s3cret@deckhand-int:9000/api/v1.0/revisions/7/rendered-documents',
 '"{\"user\": \"shipyard\", \"request_id\": \"req-1\", \"roles\": [\"admin\"], \"log_level\": \"ERROR\"}"',
 '{"filter_set_type": "union", "filter_set": [{"filter_type": "union", "node_names": ["n1", "n2"]}]}',
 'deploy_nodes', NULL, NULL, false),
(decode('0b00000000004000800000000000000b', 'hex'), decode('0a00000000004000800000000000000a', 'hex'),
 NULL, 'partial_success', NULL, NULL, 0, ARRAY['n1']::varchar(32)[], ARRAY['n2']::varchar(32)[], 0,
 'complete', '2018-03-01 10:01:00', 'shipyard', '2018-03-01 10:20:00', NULL, NULL, NULL,
 'prepare_nodes', NULL, NULL, false),
(decode('0c00000000004000800000000000000c', 'hex'), NULL, NULL, 'success', NULL, NULL, 0, NULL, NULL,
 0, 'complete', '2018-03-01 10:02:00', 'shipyard', NULL, NULL, NULL, 'null', 'validate_design',
 NULL, NULL, false),
(decode('0e00000000004000800000000000000e', 'hex'), NULL, NULL, 'success', NULL, NULL, 0, NULL, NULL,
 0, 'complete', '2018-03-01 10:03:00', 'drydock', NULL, NULL, NULL, NULL, 'noop', NULL, NULL, false),
(decode('0f00000000004000800000000000000f', 'hex'), NULL, NULL, 'incomplete', NULL, NULL, 0, NULL,
 NULL, 0, 'running', '2018-03-02 09:00:00', 'shipyard', '2018-03-02 09:05:00', NULL, NULL, NULL,
 'deploy_nodes', NULL, NULL, false);

INSERT INTO result_message (task_id, message, error, context, context_type, ts, extra) VALUES
(decode('0a00000000004000800000000000000a', 'hex'), 'Starting deploy', false,
 '0a000000-0000-4000-8000-00000000000a', 'task', '2018-03-01 10:00:01', '"{}"'),
(decode('0b00000000004000800000000000000b', 'hex'), repeat('Prepared node n1 with a long account of it. ', 5),
 false, 'n1', 'node', '2018-03-01 10:01:01', '"{\"detail\": 1}"'),
(decode('0a00000000004000800000000000000a', 'hex'), 'Node n2 failed', true, 'n2', 'node',
 '2018-03-01 10:02:01', '"{}"'),
(decode('0e00000000004000800000000000000e', 'hex'), 'Noop', false, 'NA', 'NA',
 '2018-03-01 10:03:01', '"{}"'),
(decode('0b00000000004000800000000000000b', 'hex'), 'Prepare n2 failed', true, 'n2', 'node',
 '2018-03-01 10:04:01', '"{}"'),
(decode('0f00000000004000800000000000000f', 'hex'), 'Deploying n1', false, 'n1', 'node',
 '2018-03-02 09:00:01', '"{}"'),
(decode('0d00000000004000800000000000000d', 'hex'), 'Lost', false, 'NA', 'NA',
 '2018-03-01 10:06:01', '"{}"'),
(decode('0a00000000004000800000000000000a', 'hex'), 'Deploy done', false, 'NA', 'NA',
 '2018-03-01 10:07:01', '"{not json"'),
(decode('0b00000000004000800000000000000b', 'hex'), 'Prepare done', false, 'NA', 'NA',
 '2018-03-01 10:08:01', '"{}"');

INSERT INTO boot_action (node_name, task_id, identity_key) VALUES
('n1', decode('0a00000000004000800000000000000a', 'hex'), decode(repeat('ab', 32), 'hex'));

INSERT INTO boot_action_status (node_name, action_id, action_name, task_id, identity_key,
    action_status) VALUES
('n1', decode('0189f3d2c4a07e3b9c1d2e3f40516273', 'hex'), 'hello',
 decode('0a00000000004000800000000000000a', 'hex'), decode(repeat('ab', 32), 'hex'), 'success'),
('n1', decode('0189f3d2c4a07e3b9c1d2e3f40516274', 'hex'), 'world',
 decode('0a00000000004000800000000000000a', 'hex'), decode(repeat('ab', 32), 'hex'), 'incomplete');

INSERT INTO active_instance (dummy_key, identity, last_ping) VALUES
(1, decode('99999999999949998999999999999999', 'hex'), '2018-03-02 09:10:00');
