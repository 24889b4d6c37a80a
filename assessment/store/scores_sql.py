"""The BRIEF's scoring rules in SQL, for scoring many rounds at once (benchmarks, demo data).

``assessment.scoring`` is the reference implementation; tests check both agree. Only finished
respondents count here: a benchmark compares complete rounds.
"""

# Only scale questions count (``scored``); a team member is not asked leaders-only questions, so
# for them those questions neither count nor lower coverage.
# Parameters: the team roles (``profile.TEAM_ROLES``), then the list of round ids to score (or
# NULL for all), twice.
SELECT_ROUND_SCORES = """
WITH people AS (
    SELECT p.id, p.side, p.round_id, r.questionnaire_id AS qid, r.questionnaire_version AS qver,
           list_contains(?::VARCHAR[], p.role) AS team
    FROM respondents p JOIN rounds r ON r.id = p.round_id
    WHERE p.completed_at IS NOT NULL AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], p.round_id))
),
dims AS (
    SELECT questionnaire_id AS qid, questionnaire_version AS qver, dimension_id,
           count(*) FILTER (WHERE scored) AS total,
           count(*) FILTER (WHERE scored AND audience = 'all') AS team_total,
           any_value(dimension_weight) AS weight
    FROM questionnaire_items GROUP BY ALL
),
respondent_dims AS (
    SELECT people.round_id, people.id, people.side, i.dimension_id,
           sum(a.level * i.question_weight) / sum(i.question_weight) AS score,
           count(*) AS answered
    FROM people
    JOIN answers a ON a.respondent_id = people.id AND a.level IS NOT NULL
    JOIN questionnaire_items i ON i.questionnaire_id = people.qid
         AND i.questionnaire_version = people.qver AND i.question_id = a.question_id
         AND i.scored AND (i.audience = 'all' OR NOT people.team)
    JOIN dims d ON d.qid = people.qid AND d.qver = people.qver AND d.dimension_id = i.dimension_id
    GROUP BY people.round_id, people.id, people.side, i.dimension_id
    HAVING count(*) >= 0.5 * any_value(CASE WHEN people.team THEN d.team_total ELSE d.total END)
),
sides AS (
    SELECT round_id, dimension_id,
           avg(score) FILTER (WHERE side = 'it') AS it_score,
           avg(score) FILTER (WHERE side = 'marketing') AS marketing_score,
           avg(score) FILTER (WHERE side = 'other') AS other_score
    FROM respondent_dims GROUP BY round_id, dimension_id
),
dimension_scores AS (
    SELECT round_id, dimension_id,
           CASE WHEN it_score IS NOT NULL AND marketing_score IS NOT NULL
                THEN (it_score + marketing_score) / 2
                ELSE coalesce(it_score, marketing_score, other_score) END AS score,
           it_score, marketing_score
    FROM sides
),
overall AS (
    SELECT s.round_id, 'overall' AS dimension_id,
           sum(s.score * d.weight) / sum(d.weight) AS score,
           NULL::DOUBLE AS it_score, NULL::DOUBLE AS marketing_score,
           count(*) AS scored, any_value(n.dimensions) AS dimensions
    FROM dimension_scores s
    JOIN rounds r ON r.id = s.round_id
    JOIN dims d ON d.qid = r.questionnaire_id AND d.qver = r.questionnaire_version
         AND d.dimension_id = s.dimension_id
    JOIN (SELECT qid, qver, count(*) AS dimensions FROM dims GROUP BY ALL) n
         ON n.qid = r.questionnaire_id AND n.qver = r.questionnaire_version
    GROUP BY s.round_id
)
SELECT round_id, dimension_id, score, it_score, marketing_score FROM dimension_scores
UNION ALL
SELECT round_id, dimension_id, CASE WHEN scored * 2 >= dimensions THEN score END, it_score, marketing_score
FROM overall
"""
REFRESH_ROUND_SCORES = (
    "INSERT INTO round_scores (round_id, dimension_id, score, it_score, marketing_score)"
    + SELECT_ROUND_SCORES
)


# Each organisation's latest round with an overall score, per questionnaire version, copied
# with its profile so a benchmark panel scans one small table instead of ranking every round.
# Archived organisations leave it. Parameters: the organisation ids to refresh (or NULL), twice.
REFRESH_PEER_SCORES = """
INSERT INTO peer_scores
WITH latest AS (
    SELECT o.id AS organisation_id, r.questionnaire_id, r.questionnaire_version, o.synthetic,
           o.industry, o.size_band, o.region, r.id AS round_id,
           row_number() OVER (PARTITION BY o.id, r.questionnaire_id, r.questionnaire_version
                              ORDER BY r.created_at DESC, r.id DESC) AS rn
    FROM rounds r
    JOIN organisations o ON o.id = r.organisation_id
    JOIN round_scores s ON s.round_id = r.id AND s.dimension_id = 'overall' AND s.score IS NOT NULL
    WHERE o.archived_at IS NULL AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], o.id))
)
SELECT l.organisation_id, l.questionnaire_id, l.questionnaire_version, l.synthetic, l.industry,
       l.size_band, l.region, l.round_id, s.dimension_id, s.score
FROM latest l JOIN round_scores s ON s.round_id = l.round_id
WHERE l.rn = 1 AND s.score IS NOT NULL
"""
