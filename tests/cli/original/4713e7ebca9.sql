--
-- PostgreSQL database dump
--

\restrict original

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: active_instance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.active_instance (
    dummy_key integer NOT NULL,
    identity bytea,
    last_ping timestamp without time zone
);


--
-- Name: active_instance_dummy_key_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.active_instance_dummy_key_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: active_instance_dummy_key_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.active_instance_dummy_key_seq OWNED BY public.active_instance.dummy_key;


--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: boot_action; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.boot_action (
    node_name character varying(280) NOT NULL,
    task_id bytea,
    identity_key bytea
);


--
-- Name: boot_action_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.boot_action_status (
    node_name character varying(280),
    action_id bytea NOT NULL,
    action_name character varying(64),
    task_id bytea,
    identity_key bytea,
    action_status character varying(32)
);


--
-- Name: build_data; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.build_data (
    node_name character varying(32),
    task_id bytea,
    collected_date timestamp without time zone,
    generator character varying(256),
    data_format character varying(32),
    data_element text
);


--
-- Name: result_message; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.result_message (
    sequence integer NOT NULL,
    task_id bytea,
    message character varying(1024),
    error boolean,
    context character varying(64),
    context_type character varying(16),
    ts timestamp without time zone,
    extra json
);


--
-- Name: result_message_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.result_message_sequence_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: result_message_sequence_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.result_message_sequence_seq OWNED BY public.result_message.sequence;


--
-- Name: tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tasks (
    task_id bytea NOT NULL,
    parent_task_id bytea,
    subtask_id_list bytea[],
    result_status character varying(32),
    result_message character varying(128),
    result_reason character varying(128),
    result_error_count integer,
    result_successes character varying(32)[],
    result_failures character varying(32)[],
    retry integer,
    status character varying(32),
    created timestamp without time zone,
    created_by character varying(16),
    updated timestamp without time zone,
    design_ref character varying(128),
    request_context json,
    node_filter json,
    action character varying(32),
    terminated timestamp without time zone,
    terminated_by character varying(16),
    terminate boolean,
    result_links json
);


--
-- Name: active_instance dummy_key; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.active_instance ALTER COLUMN dummy_key SET DEFAULT nextval('public.active_instance_dummy_key_seq'::regclass);


--
-- Name: result_message sequence; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.result_message ALTER COLUMN sequence SET DEFAULT nextval('public.result_message_sequence_seq'::regclass);


--
-- Name: active_instance active_instance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.active_instance
    ADD CONSTRAINT active_instance_pkey PRIMARY KEY (dummy_key);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: boot_action boot_action_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boot_action
    ADD CONSTRAINT boot_action_pkey PRIMARY KEY (node_name);


--
-- Name: boot_action_status boot_action_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.boot_action_status
    ADD CONSTRAINT boot_action_status_pkey PRIMARY KEY (action_id);


--
-- Name: result_message result_message_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.result_message
    ADD CONSTRAINT result_message_pkey PRIMARY KEY (sequence);


--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (task_id);


--
-- Name: ix_boot_action_status_node_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_boot_action_status_node_name ON public.boot_action_status USING btree (node_name);


--
-- Name: ix_boot_action_status_task_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_boot_action_status_task_id ON public.boot_action_status USING btree (task_id);


--
-- Name: ix_build_data_node_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_build_data_node_name ON public.build_data USING btree (node_name);


--
-- Name: ix_build_data_task_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_build_data_task_id ON public.build_data USING btree (task_id);


--
-- PostgreSQL database dump complete
--

\unrestrict original

--
-- PostgreSQL database dump
--

\restrict original

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('4713e7ebca9');


--
-- PostgreSQL database dump complete
--

\unrestrict original

