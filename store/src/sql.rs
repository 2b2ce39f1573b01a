//! SQL text shared by both backends (both accept `$n` parameters).

/// Build data of one scope, newest first; `$2` true keeps only the newest per node and generator.
macro_rules! build_data_sql {
    ($cond:literal) => {
        concat!(
            "SELECT node_name, task_id, collected_date, generator, data_format, data_element FROM ( \
               SELECT b.*, ROW_NUMBER() OVER (PARTITION BY node_name, generator \
                                              ORDER BY collected_date DESC, id DESC) AS rn \
               FROM build_data b WHERE ",
            $cond,
            ") x WHERE ($2 = FALSE OR rn = 1) ORDER BY collected_date DESC, id DESC"
        )
    };
}
