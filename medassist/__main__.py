from medassist.cli import main

main()
