"""The PySAL side of access-benchmark: national 2SFCA and E2SFCA, the way analysts do it.

    python pysal_access.py FILE_1.csv.gz FILE_6.csv.gz CENTROIDS.csv PRACTICES.csv OUT.csv

Reads the English LSOAs (IoD2019 File 1) and their populations (File 6), the ONS population-
weighted centroids (easting/northing) and the geocoded GP practices (easting/northing; rows
without coordinates dropped), builds the sparse LSOA → practice cost table within 10 km with
scipy's cKDTree (access' own create_euclidean_distance cross-joins all 218 million pairs, which
does not fit), then runs access.Access.two_stage_fca (binary) and enhanced_two_stage_fca (steps
at 10/3, 20/3 and 10 km weighted 1, 0.68, 0.22), supply 1 per practice, and writes both per LSOA.
"""
import sys

import pandas as pd
from access import Access, weights
from scipy.spatial import cKDTree

file1, file6, centroids, practices, out = sys.argv[1:6]
radius = 10_000.0
imd = pd.read_csv(file1, usecols=[0])
imd.columns = ["code"]
pop = pd.read_csv(file6, usecols=[0, 4], thousands=",")
pop.columns = ["code", "pop"]
cen = pd.read_csv(centroids, usecols=["lsoa11cd", "easting", "northing"]).rename(columns={"lsoa11cd": "code"})
demand = imd.merge(pop, on="code").merge(cen, on="code")
gp = pd.read_csv(practices, usecols=["code", "easting", "northing"]).dropna()
gp["supply"] = 1.0

tree = cKDTree(gp[["easting", "northing"]].to_numpy())
origins = cKDTree(demand[["easting", "northing"]].to_numpy())
pairs = origins.sparse_distance_matrix(tree, radius, output_type="coo_matrix")
cost = pd.DataFrame({"origin": demand["code"].to_numpy()[pairs.row], "dest": gp["code"].to_numpy()[pairs.col], "cost": pairs.data})

a = Access(demand_df=demand, demand_index="code", demand_value="pop",
           supply_df=gp, supply_index="code", supply_value="supply",
           cost_df=cost, cost_origin="origin", cost_dest="dest", cost_name="cost")
a.two_stage_fca(name="2sfca", max_cost=radius)
steps = weights.step_fn({radius / 3: 1, 2 * radius / 3: 0.68, radius: 0.22})
a.enhanced_two_stage_fca(name="e2sfca", max_cost=radius, weight_fn=steps)
result = a.access_df[["2sfca_supply", "e2sfca_supply"]].fillna(0) * 100_000
result.index.name = "code"
result.columns = ["2sfca", "e2sfca"]
result.to_csv(out)
print(f"{len(demand)} LSOAs, {len(gp)} practices, {len(cost)} pairs within {radius:.0f} m")
