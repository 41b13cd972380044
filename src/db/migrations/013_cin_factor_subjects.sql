-- Children in Need census factors 18 and 19 follow the DfE schema (CIN_schema_2024.xsd): 18B/19B
-- are physical/sexual abuse of the child by another child and 18C/19C by an adult; all four sit
-- on the child's record. Before this, Lantern offered 18B/19B on a parent or carer ("Physical
-- abuse (parent or carer)") and 18C/19C on another adult. Which child such a record was about
-- cannot be known here, so the record is kept as it was and says what to do.
UPDATE need n
   SET notes = trim(both ' ' FROM n.notes || ' ' ||
       'Recorded before Lantern followed the Children in Need census: ' || n.code || ' now means ' ||
       CASE WHEN n.code LIKE '18%' THEN 'physical' ELSE 'sexual' END || ' abuse of a child by ' ||
       CASE WHEN n.code LIKE '%B' THEN 'another child' ELSE 'an adult' END ||
       ' and belongs on the child''s record. Record it on the child (' ||
       CASE WHEN n.code LIKE '18%' THEN '18C' ELSE '19C' END || ' for abuse by an adult) and end this need.')
  FROM person p
 WHERE p.id = n.person_id
   AND n.need_type = 'cin_factor'
   AND n.code IN ('18B', '18C', '19B', '19C')
   AND p.role NOT IN ('child', 'sibling', 'unborn');
